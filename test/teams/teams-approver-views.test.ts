import { DEMO_PEOPLE } from '../../src/simulator/scenarios/demo-tenant';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { DEMO_ROSTER, cardOf, cardTexts } from '../support/connector-stand-in';
import { TeamsDriver } from '../support/teams-driver';

interface SignOffCard {
  refresh?: { userIds?: string[] };
  actions?: { verb?: string; title?: string }[];
}

/**
 * Sign-off cards as Teams shows them: refreshed (with the buttons) for the approvers among the channel's
 * members only, never again once decided, answered even when Teams fails to update them, and posted
 * only where approvers can see them.
 */
describe('sign-off cards reach the approvers', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  beforeEach(async () => {
    bot = await startBotUnderTest();
    teams = new TeamsDriver(bot);
  });
  afterEach(async () => {
    await bot.stop();
  });

  /** Every update (PUT) of a posted sign-off card, failed ones too, in order. */
  const updatesOf = (approvalId: string) => {
    const posted = teams.approvalCards().find((c) => c.approvalId === approvalId);
    return bot.connector.sent.filter(
      (a) => a.method === 'PUT' && a.path.endsWith(`/activities/${posted?.activity.answeredId}`)
    );
  };

  it('refreshes a pending card for the approvers in the team only, and a decided card for nobody', async () => {
    // A big team: 70 more members, none of them approvers.
    bot.connector.roster = [
      ...DEMO_ROSTER,
      ...Array.from({ length: 70 }, (_, i) => ({
        id: `29:member-${i}`,
        name: `Member ${i}`,
        aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      })),
    ];
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();

    const posted = teams.approvalCards()[0].card as SignOffCard;
    expect(posted.refresh?.userIds).toEqual(
      [`29:${DEMO_PEOPLE.approver1.id}`, `29:${DEMO_PEOPLE.approver2.id}`].sort()
    );
    // Anyone else who approves (beyond Teams' 60, or in Outlook) asks for their own view.
    expect(posted.actions?.map((a) => a.title)).toEqual(['Show my buttons']);

    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();
    const decided = updatesOf(teams.latestApproval()).at(-1);
    expect(cardTexts(cardOf(decided!))).toContainEqual(
      expect.stringMatching(/^Approved by Lee Gu/)
    );
    expect((cardOf(decided!) as SignOffCard).refresh).toBeUndefined();
    expect((cardOf(decided!) as SignOffCard).actions ?? []).toEqual([]);
  });

  it('answers an Approve click although Teams refuses to update the card, and updates it after', async () => {
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
    const posted = teams.approvalCards()[0];
    const data = await teams.buttonData(posted.approvalId);
    // Teams refuses the next two updates of the card (412: as when it changed meanwhile).
    bot.connector.failUpdates.push(412, 412);

    const answer = await teams.invoke(
      'approver1',
      'approve',
      data,
      'manual',
      undefined,
      posted.activity.answeredId
    );

    expect(answer.status).toBe(200);
    expect(cardTexts(answer.value)).toContainEqual(expect.stringMatching(/^Approved by Lee Gu/));
    await bot.idle();
    expect(bot.connector.failUpdates).toEqual([]);
    const updates = updatesOf(data.approvalId);
    expect(updates.map((u) => u.status)).toEqual([412, 412, 200]);
    expect(cardTexts(cardOf(updates.at(-1)!))).toContainEqual(
      expect.stringMatching(/^Approved by Lee Gu/)
    );
  });

  it('posts no card where only the requester sees it before `notify here`, and posts it in the channel then', async () => {
    const replies = await teams.replies('admin', 'assign', 'personal');
    expect(replies).toEqual([
      'Asked for sign-off on populating the licensing groups and assigning them, but no notification channel is set, so no approver can see the card yet. An admin says `notify here` (with an @mention) in the channel the approvers read; the card is posted there then.',
    ]);
    await bot.idle();
    expect(teams.approvalCards()).toEqual([]);

    await teams.say('admin', 'notify here');
    await bot.idle();
    const [card] = teams.approvalCards();
    expect(card.activity.conversationId).toBe('19:license-migration@thread.tacv2');
    const decided = await teams.click(
      'approver2',
      'approve',
      await teams.buttonData(card.approvalId, 'approver2')
    );
    expect(cardTexts(decided.value)).toContainEqual(
      expect.stringMatching(/^Approved by Nestor Wilke/)
    );
  });
});
