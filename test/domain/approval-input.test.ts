import {
  REASON_MAX_LENGTH,
  WINDOW_MAX_LENGTH,
  readDecisionInput,
  readRefreshInput,
} from '../../src/domain/approval-input';

const approvalId = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const digest = 'ab'.repeat(32);

/** A click on a sign-off card is checked before anything is read or written. */
describe('what a click on a sign-off card carries', () => {
  it('takes the request, its digest and what the approver typed', () => {
    expect(
      readDecisionInput({
        approvalId,
        digest,
        reason: 'Pilot looked fine',
        window: 'Sat 02:00-06:00 UTC',
      })
    ).toEqual({ approvalId, digest, reason: 'Pilot looked fine', window: 'Sat 02:00-06:00 UTC' });
  });

  it('takes a box left empty (left out, or null) as nothing typed', () => {
    expect(readDecisionInput({ approvalId, digest, reason: null })).toEqual({ approvalId, digest });
  });

  it.each([
    ['a reason that is a number', { reason: 42 }, 'The reason must be text. Nothing was decided.'],
    [
      'a reason that is an object',
      { reason: { text: 'x' } },
      'The reason must be text. Nothing was decided.',
    ],
    [
      'a release window that is a number',
      { window: 7 },
      'The release window must be text. Nothing was decided.',
    ],
    [
      'a reason longer than the card allows',
      { reason: 'x'.repeat(200_000) },
      `The reason is 200,000 characters long; keep it to ${REASON_MAX_LENGTH} or fewer. Nothing was decided.`,
    ],
    [
      'a release window longer than the card allows',
      { window: 'Sat '.repeat(26) },
      `The release window is 104 characters long; keep it to ${WINDOW_MAX_LENGTH} or fewer. Nothing was decided.`,
    ],
    [
      'no request id',
      { approvalId: undefined },
      'This card does not name a sign-off request as the bot writes one. Nothing was decided.',
    ],
    [
      'a request id that is not one the bot writes',
      { approvalId: '../../record' },
      'This card does not name a sign-off request as the bot writes one. Nothing was decided.',
    ],
    [
      'a digest that is a number',
      { digest: 12 },
      'This card does not carry the digest of the contents it showed. Nothing was decided.',
    ],
    [
      'a digest that is not a SHA-256',
      { digest: 'abc' },
      'This card does not carry the digest of the contents it showed. Nothing was decided.',
    ],
  ])('refuses %s, saying what is wrong', (_what, change, message) => {
    expect(readDecisionInput({ approvalId, digest, ...change })).toEqual({
      refused: 'bad-input',
      message,
    });
  });

  it('accepts a reason of exactly the card’s limit', () => {
    expect(readDecisionInput({ approvalId, digest, reason: 'x'.repeat(500) })).toHaveProperty(
      'reason'
    );
  });

  it.each([null, 'approve', 42, [approvalId, digest]])('refuses card data of %j', (data) => {
    expect(readDecisionInput(data)).toEqual({
      refused: 'bad-input',
      message: 'This click carried no card data. Nothing was decided.',
    });
  });

  it('lets a refresh name only the request', () => {
    expect(readRefreshInput({ approvalId })).toEqual({ approvalId });
    expect(readRefreshInput({ approvalId: 7 })).toHaveProperty('refused', 'bad-input');
  });
});
