import type { RunningAzurite } from '../../src/demo/azurite';
import { memoryState } from '../../src/storage/bot-state';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { reportStorage } from '../support/report-storage';
import { directAssignmentsOf, waveAssignments } from '../support/script-record';
import { TeamsDriver } from '../support/teams-driver';
import { OFFICE_E3 } from '../fixtures/skus';

/**
 * The whole migration of the demo tenant (1,000 users, 1,200 direct assignments) in Teams, through the
 * bot's real HTTP endpoint: the admin's commands in the channel, sign-offs clicked by two approvers. The
 * tenant's old license script keeps running meanwhile: what its joiners and leavers change is taken from
 * the simulator's record of it.
 */

describe('the whole migration through Teams', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  let azurite: RunningAzurite;

  beforeAll(async () => {
    // Reports are blobs in the bot's storage: Azurite here.
    const storage = await reportStorage();
    azurite = storage.azurite;
    bot = await startBotUnderTest({ state: memoryState(storage.reports) });
    teams = new TeamsDriver(bot);
  });
  afterAll(async () => {
    await bot.stop();
    await azurite.stop();
  });

  const directAssignments = () => directAssignmentsOf(bot.simulator);
  /** The direct assignments the bot froze into its waves. */
  let waves: string[] = [];
  /** When the bot last listed the users (its group plan is of that moment). */
  let usersListedAt = '';

  it('ends with every direct assignment removed and every license intact, each step signed off by a second person', async () => {
    expect(await teams.replies('admin', 'notify here')).toEqual([
      'This channel gets the migration notifications and sign-off cards from now on.',
    ]);

    // Phase 3 needs a sign-off; the card shows what will change.
    bot.simulator.onRequest = (method, url) => {
      if (method === 'GET' && url.includes('/users?'))
        usersListedAt = bot.simulator.directory.timestamp();
    };
    expect((await teams.replies('admin', 'assign'))[0]).toContain('Asked for sign-off');
    await bot.idle();
    bot.simulator.onRequest = null;
    const assignCard = teams.approvalCards()[0].card;
    // Office 365 E3 is Finance's: 200 people, and the script's joiners and leavers before the plan.
    const officeHolders = [...bot.script.expectedDirect({ until: usersListedAt })].filter((key) =>
      key.endsWith(`|${OFFICE_E3}`)
    ).length;
    expect(cardTexts(assignCard).join('\n')).toMatch(
      new RegExp(
        `Create "LIC Office 365 E3" with ${officeHolders} members[\\s\\S]*Direct assignments are not touched`
      )
    );
    expect(JSON.stringify(assignCard)).not.toContain('"verb":"approve"');

    const assign = await teams.buttonData(teams.latestApproval(), 'approver1');
    const decided = await teams.click('approver1', 'approve', assign);
    expect(cardTexts(decided.value)).toContainEqual(
      expect.stringMatching(/^Approved by Lee Gu at /)
    );
    await bot.idle();
    expect(directAssignments()).toEqual(bot.script.expectedDirect());
    const notices = bot.connector.sent.map((a) => cardTexts(cardOf(a))[0] ?? a.body.text);
    expect(notices).toEqual(
      expect.arrayContaining([
        'Group assignment started',
        'LIC Office 365 E3: license processing complete',
        'Group assignment finished',
      ])
    );

    expect(await teams.replies('admin', 'reprocess')).toEqual([
      'No group member is in license error: nothing to reprocess.',
    ]);

    // Waves: a pilot of 25 users, then the rest, each released by its own approver.
    const proposed = await teams.say('admin', 'waves 25,rest');
    expect(cardTexts(cardOf(proposed[0]))).toContain('2 removal waves proposed');
    await bot.idle();
    const wave1 = await teams.buttonData(teams.latestApproval(), 'approver1');
    await teams.click('approver1', 'approve', wave1);
    await bot.idle();
    // The pilot's 25 users (46 assignments) lose their direct assignments, nobody else.
    const pilot = await waveAssignments(bot.state, 1);
    expect(pilot.size).toBe(46);
    expect(directAssignments()).toEqual(bot.script.expectedDirect({ removedByBot: pilot }));

    const wave2 = await teams.buttonData(teams.latestApproval(), 'approver2');
    expect(wave2.approvalId).not.toBe(wave1.approvalId);
    const second = await teams.click('approver2', 'approve', wave2);
    expect(cardTexts(second.value)).toContainEqual(
      expect.stringMatching(/^Approved by Nestor Wilke/)
    );
    await bot.idle();

    // Every direct assignment is gone but those the script gave its joiners since (in no group yet).
    waves = [...pilot, ...(await waveAssignments(bot.state, 2))];
    expect(directAssignments()).toEqual(bot.script.expectedDirect({ removedByBot: waves }));
    expect([...directAssignments()].every((key) => bot.script.given().has(key))).toBe(true);
    expect(bot.script.lossesNotByScript()).toEqual([]);
    const status = await teams.say('finance', 'status');
    expect(cardTexts(cardOf(status[0]))).toContain(
      'Every wave is done: see `report`, and point the old automation at the licensing groups.'
    );
    // The progress of each wave was one card updated in place, not a flood of posts.
    const progressPosts = bot.connector.sent.filter(
      (a) => a.method === 'POST' && /^Wave \d running/.test(cardTexts(cardOf(a))[0] ?? '')
    );
    expect(progressPosts.length).toBeLessThanOrEqual(2);
    expect(bot.connector.sent.some((a) => a.method === 'PUT')).toBe(true);
  }, 60_000);

  it('hands an admin every user’s state as a CSV', async () => {
    const [reply] = await teams.ask('admin', 'report', 'personal');
    const link = /\((http:\/\/127\.0\.0\.1:\d+\/[^)\s]+)\)/.exec(
      cardTexts(cardOf(reply)).join('\n')
    )?.[1];
    expect(link).toBeDefined();
    const csv = await (await fetch(link!)).text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('id,userPrincipalName,skuId,decision,reason,wave');
    // Every assignment of the waves, but those the script took from its leavers before the bot could.
    // (One it takes between the bot's read and its removal is reported removed: Graph's answer cannot
    // tell the bot who removed it; see the report of issue 16.)
    const taken = bot.script.taken();
    const rowKey = (line: string) => {
      const [id, , skuId] = line.split(',');
      return `${id}|${skuId}`;
    };
    const removedRows = new Set(lines.filter((l) => l.includes(',removed,')).map(rowKey));
    expect(waves.filter((key) => !taken.has(key) && !removedRows.has(key))).toEqual([]);
    expect([...removedRows].filter((key) => !waves.includes(key))).toEqual([]);
  });
});
