import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts, type SentActivity } from '../support/connector-stand-in';
import { channelMention, from } from '../support/teams-activities';
import { TeamsDriver } from '../support/teams-driver';

/**
 * Teams re-delivers a message whose turn has not answered within 15 s, and may deliver one twice anyway.
 * Every turn answers at once; long work says it started and posts its answer when it is ready; a
 * re-delivered message does nothing.
 */
describe('turns answer within Teams’ window', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  afterEach(async () => {
    await bot.stop();
  });

  const repliesTo = (activity: Record<string, unknown>): SentActivity[] =>
    bot.connector.sent.filter(
      (a) => a.method === 'POST' && a.body.type === 'message' && a.body.replyToId === activity.id
    );

  it('answers `inventory` on a slow tenant before the tenant is read, says it started, and posts the answer when ready', async () => {
    // Every page of users takes Graph 3 s: the whole read takes longer than the turn may.
    bot = await startBotUnderTest({ graphFaults: 'latency=3000ms:100%,path=/users$' });
    const message = channelMention('inventory', {
      serviceUrl: bot.serviceUrl,
      from: from('finance'),
    });

    expect((await bot.post(message)).status).toBe(200);

    // Answered while the tenant is still being read: the answer is not out.
    expect(repliesTo(message).some((a) => cardOf(a))).toBe(false);

    // Teams delivers it again while it runs: nothing more happens.
    expect((await bot.post(message)).status).toBe(200);

    await bot.idle();
    const replies = repliesTo(message);
    expect(replies).toHaveLength(2);
    expect(replies[0].body.text).toBe(
      'Working on `inventory`: this tenant takes a while. I post the answer here when it is ready.'
    );
    expect(cardTexts(cardOf(replies[1]))[0]).toMatch(/licenses|Inventory/i);
    // The message that said it started now says it is done, in place.
    const updates = bot.connector.sent.filter((a) => a.method === 'PUT');
    expect(updates.at(-1)?.body.text).toMatch(/^`inventory` took \d+ s; the answer is below\.$/);
  }, 30_000);

  it('answers a long command while Teams is slow to take the "working on it" message', async () => {
    bot = await startBotUnderTest({ graphFaults: 'latency=3000ms:100%,path=/users$' });
    let release = () => {};
    bot.connector.holdAnswers = new Promise<void>((resolve) => (release = resolve));
    const message = channelMention('inventory', {
      serviceUrl: bot.serviceUrl,
      from: from('admin'),
    });

    const answer = bot.post(message).then((response) => response.status);
    // The connector has the message but does not answer; the turn must not wait for it. (Deadline:
    // a turn that waits for the connector would never answer while it is held.)
    await bot.connector.waitForMessages(1);
    const deadline = new Promise<string>((resolve) =>
      setTimeout(() => resolve('no answer while the connector held its reply'), 10_000).unref()
    );

    const answered = await Promise.race([answer, deadline]);
    release();
    expect(answered).toBe(200);
    await bot.idle();
    expect(repliesTo(message).map((a) => a.body.text ?? 'card')).toEqual([
      'Working on `inventory`: this tenant takes a while. I post the answer here when it is ready.',
      'card',
    ]);
  }, 30_000);

  it('does nothing for a re-delivered `waves`, even after a restart: the first sign-off card stands', async () => {
    bot = await startBotUnderTest();
    teams = new TeamsDriver(bot);
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();

    const waves = channelMention('waves 25,rest', {
      serviceUrl: bot.serviceUrl,
      from: from('admin'),
    });
    await bot.post(waves);
    await bot.idle();
    const cards = teams.approvalCards().length;
    const first = teams.latestApproval();
    const sentBefore = bot.connector.sent.length;

    expect((await bot.post(waves)).status).toBe(200);
    await bot.restart();
    expect((await bot.post(waves)).status).toBe(200);
    await bot.idle();

    // Nothing new was said (a restart may refresh cards already posted, in place).
    expect(
      bot.connector.sent
        .slice(sentBefore)
        .filter((a) => a.method === 'POST' && a.body.type === 'message')
    ).toEqual([]);
    expect(teams.approvalCards()).toHaveLength(cards);
    const view = await teams.viewAs('approver2', first);
    expect(cardTexts(view.value)).toContain('Waiting for an approver');
  }, 30_000);
});
