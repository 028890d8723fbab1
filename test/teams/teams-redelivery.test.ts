import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf } from '../support/connector-stand-in';
import { TeamsDriver } from '../support/teams-driver';

/**
 * Teams delivers a turn again when the bot has not answered it within 15 s. The harness does the same
 * (`teamsRedeliversAfterMs`): a bot that answers in time is never re-delivered, and one delivered twice
 * anyway does everything once.
 */
describe('Teams’ re-delivery of a turn', () => {
  let bot: BotUnderTest;

  afterEach(async () => {
    await bot.stop();
  });

  it('never re-delivers a command of a whole migration, even on a slow tenant', async () => {
    // Every page of users takes Graph 2 s: reads of the tenant take longer than a turn may.
    bot = await startBotUnderTest({ graphFaults: 'latency=2000ms:100%,path=/users$' });
    const teams = new TeamsDriver(bot);
    for (const command of ['help', 'inventory', 'plan', 'status'])
      await teams.say('admin', command);
    await teams.untilWavesProposed('25,rest');
    for (const command of ['verify', 'errors', 'report']) await teams.say('admin', command);
    await bot.idle();
    expect(bot.redelivered).toEqual([]);
  }, 120_000);

  it('does every command once when Teams delivers each activity twice', async () => {
    bot = await startBotUnderTest({ teamsRedeliversAfterMs: 0 });
    const teams = new TeamsDriver(bot);
    const notify = await teams.say('admin', 'notify here');
    await bot.idle();
    await teams.say('admin', 'assign');
    await bot.idle();
    expect(teams.approvalCards()).toHaveLength(1);
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();
    const status = await teams.say('admin', 'status');
    await teams.say('admin', 'waves 25,rest');
    await bot.idle();

    expect(bot.redelivered.length).toBeGreaterThanOrEqual(6);
    // One sign-off card for the assignment and one for wave 1: the copies asked for nothing more.
    expect(teams.approvalCards()).toHaveLength(2);
    const repliesTo = (id: unknown) =>
      bot.connector.sent.filter(
        (a) => a.method === 'POST' && a.body.type === 'message' && a.body.replyToId === id
      );
    // Each message was answered once: no reply said twice.
    for (const message of bot.redelivered.filter((a) => a.type === 'message')) {
      const replies = repliesTo(message.id).map((r) => JSON.stringify(r.body.text ?? cardOf(r)));
      expect(replies.length).toBeGreaterThan(0);
      expect(new Set(replies).size).toBe(replies.length);
    }
    expect(notify).toHaveLength(1);
    expect(status).toHaveLength(1);
    expect(bot.logs.filter((l) => l.startsWith('Ignored a re-delivered message'))).toHaveLength(
      bot.redelivered.filter((a) => a.type === 'message').length
    );
  }, 60_000);
});
