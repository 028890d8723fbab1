import { memoryState } from '../../src/storage/bot-state';
import type { RunningAzurite } from '../../src/demo/azurite';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts, type SentActivity } from '../support/connector-stand-in';
import { reportStorage } from '../support/report-storage';
import { TeamsDriver } from '../support/teams-driver';
import { DEMO_PEOPLE } from '../../src/simulator/scenarios/demo-tenant';

/**
 * `report` lists every user's licenses: it reaches only the admin who asked, in their personal chat, as
 * a link to one blob in the bot's storage that stops working a quarter of an hour later.
 */
describe('the report reaches only the person who asked', () => {
  let azurite: RunningAzurite;
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  /** The bot's clock, moved in a test to make a link that is already past its lifetime. */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    const storage = await reportStorage();
    azurite = storage.azurite;
    bot = await startBotUnderTest({
      state: memoryState(storage.reports),
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    teams = new TeamsDriver(bot);
  });
  afterAll(async () => {
    await bot.stop();
    await azurite.stop();
  });
  beforeEach(() => {
    clockOffsetMs = 0;
  });

  const linkIn = (activities: SentActivity[]) =>
    /\((https?:\/\/[^)\s]+)\)/.exec(
      activities.map((a) => [a.body.text ?? '', ...cardTexts(cardOf(a))].join('\n')).join('\n')
    )?.[1];

  it('gives an admin a link that opens the CSV within its lifetime', async () => {
    const replies = await teams.ask('admin', 'report', 'personal');

    const link = linkIn(replies);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*\/reports\/.*\.csv\?.*sig=/);
    expect(cardTexts(cardOf(replies[0])).join('\n')).toMatch(/works until .* for you alone/);
    const response = await fetch(link!);
    expect(response.status).toBe(200);
    expect((await response.text()).split('\n')[0]).toBe(
      'id,userPrincipalName,skuId,decision,reason,wave'
    );
  });

  it('refuses the link once its quarter of an hour is over', async () => {
    clockOffsetMs = -16 * 60_000;
    const link = linkIn(await teams.ask('admin', 'report', 'personal'));

    expect(link).toBeDefined();
    expect((await fetch(link!)).status).toBe(403);
  });

  it('refuses a report to someone who is not an admin, with no link', async () => {
    const replies = await teams.ask('finance', 'report', 'personal');

    expect(linkIn(replies)).toBeUndefined();
    expect(replies.map((r) => r.body.text)).toEqual([expect.stringMatching(/admin/)]);
  });

  it('sends a report asked for in a channel to the admin privately, and posts no link in the channel', async () => {
    const before = bot.connector.sent.length;
    const replies = await teams.ask('admin', 'report', 'channel');

    expect(replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(
        /^The report lists every user's licenses, so I sent it to you privately/
      ),
    ]);
    const channel = bot.connector.sent
      .slice(before)
      .filter((a) => a.conversationId.startsWith('19:'));
    expect(linkIn(channel)).toBeUndefined();
    const chat = bot.connector.createdConversations.at(-1);
    expect(chat?.memberIds).toEqual([`29:${DEMO_PEOPLE.admin.id}`]);
    const privately = bot.connector.sent.filter((a) => a.conversationId === chat?.id);
    expect((await fetch(linkIn(privately)!)).status).toBe(200);
  });
});
