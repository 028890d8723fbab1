import { DEMO_PEOPLE } from '../../src/simulator/scenarios/demo-tenant';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts, type SentActivity } from '../support/connector-stand-in';
import { TeamsDriver } from '../support/teams-driver';

const CHANNEL = '19:license-migration@thread.tacv2';

/**
 * Nothing the channel must see is lost: posts and updates Teams refuses for now are tried again from
 * the bot's storage until Teams takes them, across a restart; a channel that refuses the bot (403) is
 * told to the admin who chose it, and what waits is posted once a channel is chosen again.
 */
describe('notifications reach the channel whatever Teams answers', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  beforeEach(async () => {
    bot = await startBotUnderTest();
    teams = new TeamsDriver(bot);
  });
  afterEach(async () => {
    await bot.stop();
  });

  /** What a reader of the channel sees, in order: each new post Teams took, as text. */
  const channelPosts = () =>
    bot.connector.sent
      .filter(
        (a) =>
          a.method === 'POST' &&
          a.status === 200 &&
          a.body.type === 'message' &&
          a.conversationId === CHANNEL
      )
      .map(shown);

  const waitFor = async (what: () => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!what()) {
      if (Date.now() > deadline) throw new Error('Timed out waiting.');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  /** The sign-off, its decision and the group assignment it releases, in the order they happen. */
  const signOffAndAssignment = async (cardShown = true) => {
    await teams.say('admin', 'assign');
    const approvalId = await teams.nextApproval(0, 30_000);
    if (cardShown) await waitFor(() => channelPosts().some((p) => p.includes('Sign-off needed')));
    await teams.click('approver1', 'approve', await teams.buttonData(approvalId));
    await bot.idle();
  };

  const expectOnceInOrder = (posts: string[]) => {
    expect(new Set(posts).size).toBe(posts.length);
    const at = (what: string) => posts.findIndex((p) => p.includes(what));
    const order = [
      'Sign-off needed',
      `text: ${DEMO_PEOPLE.approver1.name} approved`,
      'card: Group assignment started',
      'card: Group assignment finished',
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  };

  it('posts every notification once, in order, after Teams refused posts for a while', async () => {
    await teams.say('admin', 'notify here');
    // 412 and 429 are Teams' "not now"; 502 and 504 its gateway failing: all tried again.
    bot.connector.failPosts.push(
      412,
      { status: 429, code: 'Throttled', retryAfterSeconds: 0 },
      412,
      502,
      412,
      504,
      412
    );

    await signOffAndAssignment();

    expect(bot.connector.failPosts).toEqual([]);
    expectOnceInOrder(channelPosts());
  });

  it('posts a notification refused before a restart once, from the restarted bot', async () => {
    await teams.say('admin', 'notify here');
    bot.connector.failPosts.push(...Array<number>(8).fill(412));
    await teams.say('admin', 'assign');
    await waitFor(() => bot.connector.sent.filter((a) => a.status === 412).length >= 2);

    await bot.restart();
    await bot.idle();

    expect(bot.connector.failPosts).toEqual([]);
    expect(channelPosts().filter((p) => p.includes('Sign-off needed'))).toHaveLength(1);
  });

  it('posts a card afresh when Teams no longer has the one it is asked to update', async () => {
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
    const approvalId = teams.latestApproval();
    const data = await teams.buttonData(approvalId);
    bot.connector.failUpdates.push({ status: 404, code: 'ActivityNotFoundInConversation' });

    await teams.click('approver1', 'approve', data);
    await bot.idle();

    const cards = channelPosts().filter((p) => p.includes('Sign-off needed'));
    expect(cards).toHaveLength(2);
    expect(cards[1]).toMatch(/Approved by Lee Gu/);
  });

  it('tells the admin who chose the channel when the bot is removed from the team, and loses nothing', async () => {
    await teams.say('admin', 'notify here');
    // The app is removed from the team: Teams refuses every post there.
    bot.connector.blockedConversations.add(CHANNEL);

    await signOffAndAssignment(false);

    // Told once, in a personal chat opened with the admin who said `notify here`.
    expect(bot.connector.createdConversations).toEqual([
      expect.objectContaining({ memberIds: [`29:${DEMO_PEOPLE.admin.id}`] }),
    ]);
    const told = bot.connector.sent.filter(
      (a) => a.conversationId === bot.connector.createdConversations[0].id
    );
    expect(told.map((a) => a.body.text)).toEqual([
      expect.stringMatching(
        /^I can no longer post in the notification channel: Teams answered 403.*say `notify here` there/
      ),
    ]);
    expect(channelPosts()).toEqual([]);

    // Added to the team again; `notify here` there: everything that waited is posted, once, in order.
    bot.connector.blockedConversations.delete(CHANNEL);
    await teams.say('admin', 'notify here');
    await bot.idle();

    expectOnceInOrder(channelPosts());
    expect(bot.connector.createdConversations).toHaveLength(1);
  });
});

/** A post as its reader sees it: its text, or its card's first text and what the card says. */
function shown(activity: SentActivity): string {
  const card = cardOf(activity);
  return card ? `card: ${cardTexts(card).join(' | ')}` : `text: ${activity.body.text ?? ''}`;
}
