import { allEntries } from '../support/journal-entries';
import { memoryState, type BotState } from '../../src/storage/bot-state';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardAction, from } from '../support/teams-activities';
import { TeamsDriver } from '../support/teams-driver';

/**
 * A click Teams would never send from the bot's card (a forged or broken invoke) gets a specific answer,
 * as Teams shows it to the clicker, and changes nothing: no decision in the record or the journal, no
 * post in the channel.
 */
describe('a malformed click on a sign-off card', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  let state: BotState;
  let data: { approvalId: string; digest: string };

  beforeAll(async () => {
    state = memoryState();
    bot = await startBotUnderTest({ state });
    teams = new TeamsDriver(bot);
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
    data = await teams.buttonData(teams.latestApproval());
  });
  afterAll(async () => {
    await bot.stop();
  });

  /** What a click could change: the record, the journal, and what the channel was sent. */
  async function whatStands() {
    await bot.idle();
    return {
      record: JSON.stringify((await state.store.read()).record),
      journal: (await allEntries(state.journal)).length,
      sent: bot.connector.sent.length,
    };
  }

  it.each([
    ['a reason that is a number', { reason: 42 }, 'The reason must be text. Nothing was decided.'],
    [
      'a release window that is a number',
      { window: 7 },
      'The release window must be text. Nothing was decided.',
    ],
    [
      'a reason of 200 KB with a link in it',
      { reason: `[Approve again here](https://evil.example) ${'x'.repeat(200_000)}` },
      'The reason is 200,043 characters long; keep it to 500 or fewer. Nothing was decided.',
    ],
    [
      'a digest that is not one the bot writes',
      { digest: { $ne: null } },
      'This card does not carry the digest of the contents it showed. Nothing was decided.',
    ],
  ])('answers %s with a refusal and changes nothing', async (_what, change, message) => {
    const before = await whatStands();
    const answer = await teams.click('approver1', 'reject', { ...data, ...change } as typeof data);
    expect(answer).toEqual({
      status: 200,
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: message,
    });
    expect(await whatStands()).toEqual(before);
  });

  it('answers a click whose clicker has no Entra object id as Teams stamps one, and changes nothing', async () => {
    const before = await whatStands();
    const response = await bot.post(
      cardAction(
        'approve',
        { ...data },
        {
          serviceUrl: bot.serviceUrl,
          from: { ...from('approver1'), aadObjectId: 'not-an-object-id' },
          channel: true,
        }
      )
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { value: unknown }).value).toBe(
      'Teams did not say who you are, so nothing was decided.'
    );
    expect(await whatStands()).toEqual(before);
  });

  it('refuses a click whose clicker id is not text before any turn runs, naming the field, and changes nothing', async () => {
    const before = await whatStands();
    const response = await bot.post(
      cardAction(
        'approve',
        { ...data },
        {
          serviceUrl: bot.serviceUrl,
          from: { ...from('approver1'), aadObjectId: 42 as unknown as string },
          channel: true,
        }
      )
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "The activity's from.aadObjectId must be text.",
    });
    expect(await whatStands()).toEqual(before);
  });

  it.each([
    ['a verb none of the bot’s cards carries', { type: 'Action.Execute', verb: 'delete' }],
    ['no verb', { type: 'Action.Execute' }],
    ['an action that is not Action.Execute', { type: 'Action.Submit', verb: 'approve' }],
  ])('answers a card action with %s, and changes nothing', async (_what, action) => {
    const before = await whatStands();
    const activity = cardAction('approve', data, {
      serviceUrl: bot.serviceUrl,
      from: from('approver1'),
      channel: true,
    });
    const response = await bot.post({ ...activity, value: { action: { ...action, data } } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { value: unknown }).value).toBe(
      'This is not one of the bot’s buttons (Approve, Reject, or a sign-off card’s refresh); nothing was done.'
    );
    expect(await whatStands()).toEqual(before);
  });

  it('still takes a well-formed rejection afterwards', async () => {
    const answer = await teams.click('approver1', 'reject', { ...data, reason: 'Wrong SKU' });
    expect(answer.status).toBe(200);
    await bot.idle();
    expect((await allEntries(state.journal)).length).toBeGreaterThan(0);
  });
});
