import type { ApprovalRequest } from '../../src/domain/approvals';
import { approvalCard } from '../../src/teams/cards/approval-card';
import { markdownSafe, plainTyped } from '../../src/teams/cards/typed-text';
import { cardTexts } from '../support/connector-stand-in';

const phishing = '[Approve again here](https://evil.example/approve)';

const rejected: ApprovalRequest = {
  id: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
  subject: { kind: 'wave', waveNumber: 2, digest: 'ab'.repeat(32) },
  summary: [
    'Remove 10 direct license assignments from 10 users of "LIC [EMS](https://evil.example)".',
  ],
  requestedBy: { id: 'a', name: 'Adele Vance' },
  requestedAt: '2026-11-24T09:00:00Z',
  expiresAt: '2026-11-25T09:00:00Z',
  status: 'rejected',
  decidedBy: { id: 'b', name: 'Lee _Gu_' },
  decidedAt: '2026-11-24T10:00:00Z',
  reason: `${phishing}\n\n- **Done**, nothing to do`,
};

/** What people type is shown as the text they typed, apart from the bot's own words. */
describe('typed text in the bot’s cards and posts', () => {
  it('shows a markdown link as its characters, not as a link', () => {
    expect(markdownSafe(phishing, 500)).toBe(
      '\\[Approve again here\\](https://evil.example/approve)'
    );
  });

  it.each([
    ['**bold** and _italic_', '\\*\\*bold\\*\\* and \\_italic\\_'],
    ['- a list item', '\\- a list item'],
    ['1. a numbered item', '1\\. a numbered item'],
    ['# a heading', '\\# a heading'],
    ['<a href="https://evil.example">here</a>', '\\<a href="https://evil.example"\\>here\\</a\\>'],
    ['`code` ~~struck~~ | table', '\\`code\\` \\~\\~struck\\~\\~ \\| table'],
    ['a\\b', 'a\\\\b'],
  ])('escapes %j', (typed, shown) => {
    expect(markdownSafe(typed, 500)).toBe(shown);
  });

  it('keeps typed text on one line, without characters that reorder or hide it', () => {
    expect(plainTyped('Looks fine\n\n**Approved by the CIO**\u202e', 500)).toBe(
      'Looks fine **Approved by the CIO**'
    );
  });

  it('cuts typed text to its limit, saying so with "…"', () => {
    expect(plainTyped('x'.repeat(600), 500)).toBe(`${'x'.repeat(499)}…`);
  });

  it('puts an approver’s reason in its own block, labelled as theirs, and never in the bot’s status line', () => {
    const texts = cardTexts(approvalCard(rejected, { canDecide: false }).content);
    expect(texts).toContainEqual(
      expect.stringMatching(/^Rejected by Lee \\_Gu\\_ at 2026-11-24 10:00 UTC$/)
    );
    expect(texts).toContain('Reason, as Lee \\_Gu\\_ typed it:');
    expect(texts).toContain(
      '\\[Approve again here\\](https://evil.example/approve) - \\*\\*Done\\*\\*, nothing to do'
    );
    expect(texts.join('\n')).not.toContain(phishing);
  });

  it('shows a group name from the directory in a sign-off’s summary as text', () => {
    const texts = cardTexts(approvalCard(rejected, { canDecide: false }).content);
    expect(texts).toContain(
      '- Remove 10 direct license assignments from 10 users of "LIC \\[EMS\\](https://evil.example)".'
    );
  });
});
