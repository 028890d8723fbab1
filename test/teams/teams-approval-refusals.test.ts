import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_PEOPLE,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { directAssignmentsOf } from '../support/script-record';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { TeamsDriver } from '../support/teams-driver';

const HOUR = 3_600_000;

/** Each way a sign-off can be refused: nothing is approved, nothing runs, and the clicker is told why. */
describe('sign-off refusals', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse('2026-11-24T09:00:00Z');
    bot = await startBotUnderTest({ now: () => new Date(clock) });
    teams = new TeamsDriver(bot);
    await teams.say('admin', 'notify here');
  });
  afterEach(async () => {
    await bot.stop();
  });

  const directAssignments = () => directAssignmentsOf(bot.simulator);
  const groupsNow = () => bot.simulator.directory.groups.size;

  /** Asks for the group assignment and returns what an approver's buttons carry. */
  async function requestAssign() {
    await teams.say('admin', 'assign');
    await bot.idle();
    return teams.buttonData(teams.latestApproval());
  }

  it('refuses someone outside the approvers group, and shows them no buttons', async () => {
    const data = await requestAssign();
    const view = await teams.viewAs('finance', data.approvalId);
    expect(JSON.stringify(view.value)).not.toContain('"verb":"approve"');
    const groups = groupsNow();
    const answer = await teams.click('finance', 'approve', data);
    expect(answer.value).toBe(
      'Megan Bowen is not a member of the approvers group, so cannot decide populating the licensing groups and assigning them.'
    );
    await bot.idle();
    expect(groupsNow()).toBe(groups);
  });

  it('refuses a mutating command from someone outside the admin group, and stores nothing', async () => {
    expect(await teams.replies('finance', 'waves')).toEqual([
      'Megan Bowen is not a member of the migration admins group, so cannot propose removal waves. Reading (`status`, `inventory`, `verify` …) is open to everyone.',
    ]);
    expect(await teams.replies('finance', 'assign')).toHaveLength(1);
    expect((await teams.replies('finance', 'reprocess'))[0]).toContain(
      'cannot reprocess members in license error'
    );
    expect(teams.approvalCards()).toEqual([]);
    const status = await teams.say('finance', 'status');
    expect(cardTexts(cardOf(status[0]))).toContain(
      'Not started: read `inventory` and `plan`, then `assign`.'
    );
  });

  it('refuses the requester approving their own request, even when they are an approver', async () => {
    await bot.stop();
    // Lee Gu is in both groups, so he both runs the migration and approves: he still cannot release
    // what he asked for. (The two groups themselves must differ: config.ts refuses one group for both.)
    const tenant = buildDemoTenant();
    bot = await startBotUnderTest({
      tenant: {
        ...tenant,
        groups: (tenant.groups ?? []).map((group) =>
          group.id === DEMO_ADMIN_GROUP_ID
            ? { ...group, members: [...(group.members ?? []), DEMO_PEOPLE.approver1.id] }
            : group
        ),
      },
    });
    teams = new TeamsDriver(bot);
    await teams.say('approver1', 'notify here');
    await teams.say('approver1', 'assign');
    await bot.idle();
    const id = teams.latestApproval();
    expect(JSON.stringify((await teams.viewAs('approver1', id)).value)).not.toContain(
      '"verb":"approve"'
    );
    const data = await teams.buttonData(id, 'approver2');
    const answer = await teams.click('approver1', 'approve', data);
    expect(answer.value).toContain('Lee Gu requested populating the licensing groups');
    expect(answer.value).toContain('another approver must');
    expect((await teams.click('approver2', 'approve', data)).value).toBeInstanceOf(Object);
  });

  it('refuses a card whose wave changed since it was posted, and replaces it with the current one', async () => {
    const assign = await requestAssign();
    await teams.click('approver1', 'approve', assign);
    await bot.idle();
    await teams.say('admin', 'waves 25,rest');
    await bot.idle();
    const old = await teams.buttonData(teams.latestApproval());
    // The admin proposes again with other sizes: wave 1 now holds other users.
    await teams.say('admin', 'waves 10,rest');
    await bot.idle();
    const answer = await teams.click('approver1', 'approve', old);
    const texts = cardTexts(answer.value);
    expect(texts).toContainEqual(expect.stringContaining('This card is out of date'));
    expect(texts).toContainEqual(
      expect.stringMatching(/^- Remove \d+ direct license assignments from 10 users/)
    );
    await bot.idle();
    expect(directAssignments()).toEqual(bot.script.expectedDirect());
  });

  it('refuses a request after it expired (24 hours by default)', async () => {
    const data = await requestAssign();
    clock += 24 * HOUR + 1;
    const groups = groupsNow();
    const answer = await teams.click('approver1', 'approve', data);
    expect(cardTexts(answer.value)).toContainEqual(expect.stringMatching(/^Expired at/));
    await bot.idle();
    expect(groupsNow()).toBe(groups);
  });

  it('approves nothing twice on a double click or a replayed invoke', async () => {
    const data = await requestAssign();
    await teams.click('approver1', 'approve', data);
    const again = await teams.click('approver1', 'approve', data);
    const byOther = await teams.click('approver2', 'reject', { ...data, reason: 'late' });
    expect(cardTexts(again.value)).toContainEqual(
      expect.stringContaining('was already approved by Lee Gu')
    );
    expect(cardTexts(byOther.value)).toContainEqual(
      expect.stringContaining('was already approved by Lee Gu')
    );
    await bot.idle();
    const decisions = bot.connector.sent.filter((a) =>
      /approved populating the licensing groups/.test(a.body.text ?? '')
    );
    expect(decisions).toHaveLength(1);
  });

  it('asks for a reason before a rejection, then records it', async () => {
    const data = await requestAssign();
    const groups = groupsNow();
    expect((await teams.click('approver1', 'reject', data)).value).toBe(
      'Say why you reject it: the reason is recorded.'
    );
    const rejected = await teams.click('approver1', 'reject', {
      ...data,
      reason: 'Wrong SKU variant',
    });
    // The reason is shown apart from the bot's status line, labelled as the approver's.
    expect(cardTexts(rejected.value)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Rejected by Lee Gu at .* UTC$/),
        'Reason, as Lee Gu typed it:',
        'Wrong SKU variant',
      ])
    );
    await bot.idle();
    expect(groupsNow()).toBe(groups);
  });

  it('refuses a click from another tenant before reading anything', async () => {
    const data = await requestAssign();
    const answer = await teams.invoke(
      'approver1',
      'approve',
      data,
      'manual',
      '0f0e0d0c-0b0a-4908-8706-050403020100'
    );
    expect(answer.status).toBe(403);
  });
});
