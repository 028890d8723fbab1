import { plannedGroupsOf } from '../../src/engine/plan-members';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardTexts } from '../support/connector-stand-in';
import { graphCall } from '../support/graph-http';
import { directAssignmentsOf } from '../support/script-record';
import { TeamsDriver } from '../support/teams-driver';
import { OFFICE_E3 } from '../fixtures/skus';

const DYNAMIC = 'LIC Office 365 E3 (dynamic)';

/**
 * The proof of a dynamic group on its unlicensed shadow (demo tenant, Office 365 E3 in Finance): Entra's
 * computed members are compared with the expected ones, and nothing is licensed before a second sign-off.
 * The tenant's old license script keeps running: the holders are taken from its record at the moment the
 * bot listed the users, and Entra's count from what it answered the bot.
 */
describe('proving a dynamic licensing group before it is licensed', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  beforeEach(async () => {
    bot = await startBotUnderTest({ dynamicMembershipDelayMs: 1_000 });
    teams = new TeamsDriver(bot);
    await teams.say('admin', 'notify here');
  });
  afterEach(() => bot.stop());

  const directory = () => bot.simulator.directory;
  const groupNamed = (name: string) =>
    [...directory().groups.values()].find((g) => g.displayName === name);
  /** When the bot last listed the users. */
  let usersListedAt = '';
  /** What Entra answered each time the bot read the shadow group's members. */
  let membersRead: number[] = [];
  /** Called at each request, after the bookkeeping above. */
  let onRequest: (method: string, url: string) => void = () => {};
  beforeEach(() => {
    usersListedAt = '';
    membersRead = [];
    onRequest = () => {};
    bot.simulator.onRequest = (method, url) => {
      if (method === 'GET' && url.includes('/users?')) usersListedAt = directory().timestamp();
      const shadow = groupNamed(DYNAMIC);
      if (method === 'GET' && shadow && url.includes(`/groups/${shadow.id}/members`))
        membersRead.push(shadow.members.size);
      onRequest(method, url);
    };
  });

  /**
   * Office 365 E3's direct holders when the bot last listed the users (the demo's 200, with the script's
   * joiners and leavers before), split into those in Finance (the rule's matches) and the rest (its misses).
   */
  function holdersWhenListed(): { matched: string[]; missed: string[] } {
    expect(usersListedAt).not.toBe('');
    const holders = [...bot.script.expectedDirect({ until: usersListedAt })]
      .filter((key) => key.endsWith(`|${OFFICE_E3}`))
      .map((key) => directory().users.get(key.split('|')[0])!);
    return {
      matched: holders.filter((u) => u.department === 'Finance').map((u) => u.id),
      missed: holders.filter((u) => u.department !== 'Finance').map((u) => u.id),
    };
  }

  /** Entra's count on the second sign-off, checked against what it answered the bot. */
  function computedOn(card: string): number {
    const computed = Number(/Entra computed (\d+) members/.exec(card)?.[1]);
    expect(membersRead).toContain(computed);
    return computed;
  }

  /** `group N dynamic` for the Office 365 E3 variant, then `assign`: returns the assignment's card id. */
  async function chooseAndAskToAssign(): Promise<string> {
    for (let variant = 1; variant <= 2; variant++) {
      const reply = (await teams.replies('admin', `group ${variant} dynamic`)).join('\n');
      if (reply.includes('LIC Office 365 E3')) break;
      await teams.say('admin', `group ${variant} static`);
    }
    await teams.say('admin', 'assign');
    await bot.idle();
    return teams.latestApproval();
  }

  it("shows a difference when a holder's department changes before Entra computes the group, and keeps that holder covered", async () => {
    const assign = await chooseAndAskToAssign();
    const { matched, missed } = holdersWhenListed();
    const mover = directory().users.get(
      matched.find((id) => directory().users.get(id)!.accountEnabled)!
    )!;
    const patched = await graphCall(bot.simulator.baseUrl, 'PATCH', `/v1.0/users/${mover.id}`, {
      department: 'Sales',
    });
    expect(patched.status).toBe(204);
    await teams.click('approver1', 'approve', await teams.buttonData(assign));
    await bot.idle();

    const second = cardTexts(teams.approvalCards()[1].card).join('\n');
    const computed = computedOn(second);
    expect(second).toContain(
      `Entra computed ${computed} members; ${matched.length} holders were expected`
    );
    expect(second).toContain(
      `Entra left out 1 expected holder (${mover.userPrincipalName}): they go to the exceptions group instead.`
    );
    expect(second).toContain(`Exceptions group: ${missed.length + 1}`);
    // Entra's view wins: the holder it left out is in the (still unlicensed) exceptions group.
    const exceptions = groupNamed('LIC Office 365 E3 (exceptions)')!;
    expect(exceptions.members.has(mover.id)).toBe(true);
    expect(exceptions.members.size).toBe(missed.length + 1);
    expect(exceptions.licenses.size).toBe(0);
    expect(groupNamed('LIC Office 365 E3 (dynamic)')!.licenses.size).toBe(0);
    // The groups as proven keep their members in a blob of their own, which the licensing reads.
    const recorded = (await bot.state.store.read()).record.assign!;
    expect(recorded.groups.some((g) => 'userIds' in g)).toBe(false);
    expect(recorded.membersDigest).not.toBe(recorded.digest);
    const proven = await plannedGroupsOf(bot.state.planMembers, recorded);
    const planned = proven.find((g) => g.displayName === 'LIC Office 365 E3 (exceptions)')!;
    expect([...planned.userIds].sort()).toEqual([...exceptions.members].sort());
  }, 30_000);

  it('puts exactly the holders the rule misses in the exceptions group, and licenses nothing when the second sign-off is rejected', async () => {
    const assign = await chooseAndAskToAssign();
    await teams.click('approver1', 'approve', await teams.buttonData(assign));
    await bot.idle();
    const { matched, missed } = holdersWhenListed();
    expect(missed.length).toBeGreaterThan(0);
    const exceptions = groupNamed('LIC Office 365 E3 (exceptions)')!;
    const dynamic = groupNamed(DYNAMIC)!;
    expect([...exceptions.members].sort()).toEqual([...missed].sort());
    expect(matched.every((id) => dynamic.members.has(id))).toBe(true);

    // `assign` cannot start over while the licensing waits for its sign-off.
    expect((await teams.replies('admin', 'assign')).join('\n')).toContain(
      'their licensing waits for its sign-off'
    );
    const proof = teams.latestApproval();
    expect(proof).not.toBe(assign);
    await teams.click('approver2', 'reject', {
      ...(await teams.buttonData(proof, 'approver2')),
      reason: 'Finance is reorganising next month',
    });
    await bot.idle();
    expect(dynamic.licenses.size).toBe(0);
    expect(exceptions.licenses.size).toBe(0);
    // Every direct assignment stays but what the script took from its leavers.
    expect(directAssignmentsOf(bot.simulator)).toEqual(bot.script.expectedDirect());
  }, 30_000);

  it('resumed after a restart while Entra computes the shadow group, reuses the groups it made and completes the proof', async () => {
    const assign = await chooseAndAskToAssign();
    const dynamicName = DYNAMIC;
    const { matched, missed } = holdersWhenListed();
    let restarted: Promise<void> | null = null;
    let membersAtRestart = -1;
    // Restarted (as a deploy would) at the bot's first read of the shadow group's members.
    onRequest = (method, url) => {
      const shadow = groupNamed(dynamicName);
      if (restarted || method !== 'GET' || !shadow || !url.includes(`/groups/${shadow.id}/members`))
        return;
      restarted = bot.restart(() => {
        membersAtRestart = shadow.members.size;
      });
    };
    await teams.click('approver1', 'approve', await teams.buttonData(assign));
    const deadline = Date.now() + 20_000;
    while (!restarted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(restarted).not.toBeNull();
    await restarted;
    onRequest = () => {};
    // Entra had not computed the members when the bot went down.
    expect(membersAtRestart).toBe(0);
    await bot.idle();

    const named = (name: string) =>
      [...directory().groups.values()].filter((g) => g.displayName === name);
    expect(named(dynamicName)).toHaveLength(1);
    expect(named('LIC Office 365 E3 (exceptions)')).toHaveLength(1);
    expect(matched.every((id) => named(dynamicName)[0].members.has(id))).toBe(true);
    const proof = cardTexts(teams.approvalCards().at(-1)!.card).join('\n');
    expect(proof).toContain(
      `Entra computed ${computedOn(proof)} members; ${matched.length} holders were expected`
    );
    expect(proof).toContain(`Exceptions group: ${missed.length}`);
  }, 30_000);
});
