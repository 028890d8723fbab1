import { startBotUnderTest, type BotUnderTest } from './support/bot-harness';
import { cardTexts } from './support/connector-stand-in';
import { graphCall } from './support/graph-http';
import { TeamsDriver } from './support/teams-driver';
import { OFFICE_E3 } from './fixtures/skus';

/**
 * The proof of a dynamic group on its unlicensed shadow (demo tenant, Office 365 E3 in Finance): Entra's
 * computed members are compared with the expected ones, and nothing is licensed before a second sign-off.
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
  const e3Holders = () =>
    [...directory().users.values()].filter((u) => u.directLicenses.has(OFFICE_E3));

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
    const mover = e3Holders().find((u) => u.department === 'Finance')!;
    const patched = await graphCall(bot.simulator.baseUrl, 'PATCH', `/v1.0/users/${mover.id}`, {
      department: 'Sales',
    });
    expect(patched.status).toBe(204);
    await teams.click('approver1', 'approve', await teams.buttonData(assign));
    await bot.idle();

    const second = cardTexts(teams.approvalCards()[1].card).join('\n');
    expect(second).toContain('Entra computed 196 members; 197 holders were expected');
    expect(second).toContain(
      `Entra left out 1 expected holder (${mover.userPrincipalName}): they go to the exceptions group instead.`
    );
    expect(second).toContain('Exceptions group: 4');
    // Entra's view wins: the holder it left out is in the (still unlicensed) exceptions group.
    const exceptions = groupNamed('LIC Office 365 E3 (exceptions)')!;
    expect(exceptions.members.has(mover.id)).toBe(true);
    expect(exceptions.members.size).toBe(4);
    expect(exceptions.licenses.size).toBe(0);
    expect(groupNamed('LIC Office 365 E3 (dynamic)')!.licenses.size).toBe(0);
  }, 30_000);

  it('puts exactly the holders the rule misses in the exceptions group, and licenses nothing when the second sign-off is rejected', async () => {
    const assign = await chooseAndAskToAssign();
    await teams.click('approver1', 'approve', await teams.buttonData(assign));
    await bot.idle();
    const misses = e3Holders()
      .filter((u) => u.department !== 'Finance')
      .map((u) => u.id)
      .sort();
    expect(misses).toHaveLength(3);
    const exceptions = groupNamed('LIC Office 365 E3 (exceptions)')!;
    const dynamic = groupNamed('LIC Office 365 E3 (dynamic)')!;
    expect([...exceptions.members].sort()).toEqual(misses);
    expect(dynamic.members.size).toBe(197);

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
    expect([...directory().users.values()].every((u) => u.directLicenses.size > 0)).toBe(true);
  }, 30_000);

  it('resumed after a restart while Entra computes the shadow group, reuses the groups it made and completes the proof', async () => {
    const assign = await chooseAndAskToAssign();
    const dynamicName = 'LIC Office 365 E3 (dynamic)';
    let restarted: Promise<void> | null = null;
    let membersAtRestart = -1;
    // Restarted (as a deploy would) at the bot's first read of the shadow group's members.
    bot.simulator.onRequest = (method, url) => {
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
    bot.simulator.onRequest = null;
    // Entra had not computed the members when the bot went down.
    expect(membersAtRestart).toBe(0);
    await bot.idle();

    const named = (name: string) =>
      [...directory().groups.values()].filter((g) => g.displayName === name);
    expect(named(dynamicName)).toHaveLength(1);
    expect(named('LIC Office 365 E3 (exceptions)')).toHaveLength(1);
    expect(named(dynamicName)[0].members.size).toBe(197);
    const proof = cardTexts(teams.approvalCards().at(-1)!.card).join('\n');
    expect(proof).toContain('Entra computed 197 members; 197 holders were expected');
    expect(proof).toContain('Exceptions group: 3');
  }, 30_000);
});
