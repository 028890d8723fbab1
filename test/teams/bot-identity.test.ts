import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import {
  BotFrameworkIdentityStandIn,
  type ChannelTokenOverrides,
} from '../support/bot-framework-identity-stand-in';
import { channelMention, personalMessage } from '../support/teams-activities';
import { TeamsDriver } from '../support/teams-driver';

const BOT_ID = '11111111-2222-4333-8444-555555555555';
const BOT_TENANT_ID = '5c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';

/**
 * The bot with a real Bot Framework identity (BOT_ID, BOT_PASSWORD, SingleTenant), Microsoft's endpoints
 * stood in for on loopback: Teams' tokens are checked as in Azure, and every call the bot makes to
 * Teams carries the token Entra's login endpoint issued it.
 */
describe('a bot with a Bot Framework identity', () => {
  let identity: BotFrameworkIdentityStandIn;
  let bot: BotUnderTest;

  beforeAll(async () => {
    identity = new BotFrameworkIdentityStandIn(BOT_ID, 'the-bot-secret', BOT_TENANT_ID);
    await identity.start();
    bot = await startBotUnderTest({ identity });
  });
  afterAll(async () => {
    await bot?.stop();
    await identity?.stop();
  });

  it('serves an activity carrying Teams’ token and answers with the token Entra issued it', async () => {
    const message = personalMessage('help', { serviceUrl: bot.serviceUrl });
    const response = await bot.post(message, {
      authorization: identity.channelAuthorization(bot.serviceUrl),
    });
    expect(response.status).toBe(200);
    const [reply] = await bot.connector.waitForMessages(1);
    expect(reply.body.replyToId).toBe(message.id);
    expect(identity.grants.length).toBeGreaterThan(0);
    expect(identity.grants[0]).toMatchObject({
      clientId: BOT_ID,
      scope: 'https://api.botframework.com/.default',
    });
    expect(identity.issued(reply.authorization)).toBe(true);
    expect(bot.connector.refused).toEqual([]);
  });

  it.each<[string, (serviceUrl: string) => ChannelTokenOverrides]>([
    ['for another bot (audience)', () => ({ aud: '99999999-2222-4333-8444-555555555555' })],
    ['from another issuer', () => ({ iss: 'https://api.botframework.example' })],
    ['that has expired', () => ({ expiresIn: -600 })],
    ['signed with a key the metadata does not publish', () => ({ signedWithForeignKey: true })],
    ['naming a signing key that does not exist', () => ({ kid: 'no-such-key' })],
    ['issued for another service URL', () => ({ serviceurl: 'https://smba.evil.example/' })],
  ])('refuses with 401 a well-formed token %s, and changes nothing', async (_what, overrides) => {
    const sentBefore = bot.connector.sent.length;
    const writesBefore = bot.simulator.usage.writes;
    const refused = channelMention('notify here', { serviceUrl: bot.serviceUrl });
    const response = await bot.post(refused, {
      authorization: identity.channelAuthorization(bot.serviceUrl, overrides(bot.serviceUrl)),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'A valid Bot Framework token is required.' });
    await bot.idle();
    expect(bot.connector.sent.length).toBe(sentBefore);
    expect(bot.simulator.usage.writes).toBe(writesBefore);
    // The refused `notify here` set nothing: a command needing a sign-off still asks for a channel.
    const teams = new TeamsDriver(bot);
    const [answer] = await teams.replies('admin', 'assign', 'personal');
    expect(answer).toMatch(/notify here/);
  });

  it('sends its token on every call to Teams: replies, posts in the channel, card updates, roster reads', async () => {
    const teams = new TeamsDriver(bot);
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();
    const calls = bot.connector.sent;
    expect(calls.some((call) => call.method === 'PUT')).toBe(true);
    for (const call of calls) expect(identity.issued(call.authorization)).toBe(true);
    // The connector checks the token on every request (new threads and roster reads included).
    expect(bot.connector.refused).toEqual([]);
    expect(identity.refusedGrants).toEqual([]);
  }, 30_000);
});

describe('a bot whose password Entra does not take', () => {
  // Another app: botframework-connector caches a bot's token process-wide, by app id and scope.
  const OTHER_BOT_ID = '22222222-2222-4333-8444-555555555555';

  it('gets no token, sends nothing to Teams, and logs why', async () => {
    const identity = new BotFrameworkIdentityStandIn(OTHER_BOT_ID, 'the-bot-secret', BOT_TENANT_ID);
    await identity.start();
    const bot = await startBotUnderTest({ identity, env: { BOT_PASSWORD: 'a-wrong-secret' } });
    try {
      const response = await bot.post(personalMessage('help', { serviceUrl: bot.serviceUrl }));
      expect(response.status).toBeLessThan(300);
      await until(() => bot.logs.some((line) => line.includes('AADSTS7000215')));
      expect(identity.refusedGrants).toContain(OTHER_BOT_ID);
      expect(identity.grants).toEqual([]);
      expect(bot.connector.sent).toEqual([]);
    } finally {
      await bot.stop();
      await identity.stop();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
