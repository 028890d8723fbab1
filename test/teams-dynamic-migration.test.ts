import { DEMO_DOMAIN } from '../src/simulator/scenarios/demo-tenant';
import { catalogSku } from '../src/simulator/sku-catalog';
import { startBotUnderTest, type BotUnderTest } from './support/bot-harness';
import { cardOf, cardTexts } from './support/connector-stand-in';
import { dynamicMembershipSettled } from './support/dynamic-membership';
import { graphCall } from './support/graph-http';
import { TeamsDriver } from './support/teams-driver';

const OFFICE_E3 = catalogSku('ENTERPRISEPACK', 1);
const RULE = '(user.department -eq "Finance")';

/**
 * The demo tenant's Finance variant (Office 365 E3, 200 holders) moved to a dynamic group through Teams:
 * chosen, proven on an unlicensed shadow group, signed off twice, licensed, then removed in waves.
 */
describe('a dynamic licensing group through Teams', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  beforeAll(async () => {
    // Entra computes dynamic membership two simulated seconds after a change: long enough to wait for.
    bot = await startBotUnderTest({ dynamicMembershipDelayMs: 2_000 });
    teams = new TeamsDriver(bot);
  });
  afterAll(() => bot.stop());

  const directory = () => bot.simulator.directory;
  const groupNamed = (name: string) =>
    [...directory().groups.values()].find((g) => g.displayName === name);
  const channelCards = () =>
    bot.connector.sent.flatMap((a) => (a.method === 'POST' ? [cardTexts(cardOf(a))] : []));
  const directAssignments = () =>
    [...directory().users.values()].reduce((n, u) => n + u.directLicenses.size, 0);

  it('proves the rule on an unlicensed group, licenses it after a second sign-off, a joiner gets the license from the rule, and a follow-up warns of a member whose department was emptied', async () => {
    await teams.say('admin', 'notify here');
    const plan = cardTexts(cardOf((await teams.say('admin', 'plan'))[0])).join('\n');
    const finance = Number(/^(\d+)\. LIC Office 365 E3 \(new\): static$/m.exec(plan)?.[1] ?? 0);
    expect(finance).toBeGreaterThan(0);

    const chosen = await teams.replies('admin', `group ${finance} dynamic`);
    expect(chosen.join('\n')).toContain(RULE);
    expect(chosen.join('\n')).toMatch(/matches 197 of the 200 holders[\s\S]*misses 3/);

    await teams.say('admin', 'assign');
    await bot.idle();
    const first = cardTexts(teams.approvalCards()[0].card).join('\n');
    expect(first).toContain(`"LIC Office 365 E3 (dynamic)" with the rule ${RULE}`);
    expect(first).toMatch(
      /misses 3 \([^)]+\), who go to the static group "LIC Office 365 E3 \(exceptions\)"/
    );
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();

    // The shadow: Entra computed its 197 members while it had no license; nothing is licensed yet.
    const shadow = groupNamed('LIC Office 365 E3 (dynamic)')!;
    const exceptions = groupNamed('LIC Office 365 E3 (exceptions)')!;
    expect(shadow.membershipRule).toBe(RULE);
    expect(shadow.members.size).toBe(197);
    expect(shadow.licenses.size).toBe(0);
    expect(exceptions.groupTypes).not.toContain('DynamicMembership');
    expect(exceptions.members.size).toBe(3);
    expect(exceptions.licenses.size).toBe(0);
    expect(groupNamed('LIC Enterprise Mobility + Security E3')).toBeUndefined();

    // The second sign-off shows Entra's numbers.
    expect(teams.approvalCards()).toHaveLength(2);
    const second = cardTexts(teams.approvalCards()[1].card).join('\n');
    expect(second).toContain('Entra computed 197 members; 197 holders were expected');
    expect(second).toContain('Exceptions group: 3');
    await teams.click(
      'approver2',
      'approve',
      await teams.buttonData(teams.latestApproval(), 'approver2')
    );
    await bot.idle();
    expect(shadow.licenses.size).toBe(1);
    expect(exceptions.licenses.size).toBe(1);

    await teams.say('admin', 'waves 25,rest');
    await bot.idle();
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();
    await teams.click(
      'approver2',
      'approve',
      await teams.buttonData(teams.latestApproval(), 'approver2')
    );
    await bot.idle();
    expect(directAssignments()).toBe(0);
    expect(directory().timeline.losses(directory().skus)).toEqual([]);
    const status = cardTexts(cardOf((await teams.say('finance', 'status'))[0])).join('\n');
    expect(status).toContain(
      `"LIC Office 365 E3 (dynamic)" now does the script's work: joiners matching ${RULE} get the license from the rule`
    );
    expect(status).toContain(
      'Still for the script or a person: "LIC Office 365 E3 (exceptions)" (3 users'
    );

    // A joiner in Finance, created through Graph: no script, no direct assignment, the rule licenses them.
    const joiner = await graphCall(bot.simulator.baseUrl, 'POST', '/v1.0/users', {
      accountEnabled: true,
      displayName: 'Nora Joiner',
      mailNickname: 'nora.joiner',
      userPrincipalName: `nora.joiner@${DEMO_DOMAIN}`,
      passwordProfile: { password: 'x!9-Long-enough' },
      usageLocation: 'US',
      department: 'Finance',
    });
    expect(joiner.status).toBe(201);
    await dynamicMembershipSettled(bot.simulator);
    const rows = directory().licenseAssignmentStates(directory().users.get(joiner.body.id)!);
    expect(rows).toEqual([
      expect.objectContaining({
        skuId: OFFICE_E3.skuId,
        assignedByGroup: shadow.id,
        state: 'Active',
      }),
    ]);

    // The follow-ups as the waves finished: clean, nobody warned of.
    const followUps = channelCards().filter((texts) => /follow-up is clean/.test(texts[0]));
    expect(followUps).toHaveLength(2);
    expect(followUps.flat().join('\n')).not.toContain('no longer matches');

    // A migrated Finance user's department is emptied. Entra's processing of the group is paused first,
    // so the follow-up reads them before Entra recomputes however slow this machine is.
    const waveOne = cardTexts(cardOf((await teams.say('admin', 'wave 1'))[0])).join('\n');
    const listed = /Users: ([^\n]*)/.exec(waveOne)![1].split(', ');
    const drifter = [...shadow.members]
      .map((id) => directory().users.get(id)!)
      .find((u) => listed.includes(u.userPrincipalName))!;
    expect(drifter).toBeDefined();
    const paused = await graphCall(bot.simulator.baseUrl, 'PATCH', `/v1.0/groups/${shadow.id}`, {
      membershipRuleProcessingState: 'Paused',
    });
    expect(paused.status).toBe(204);
    const emptied = await graphCall(bot.simulator.baseUrl, 'PATCH', `/v1.0/users/${drifter.id}`, {
      department: null,
    });
    expect(emptied.status).toBe(204);
    await teams.say('admin', 'followup 1');
    await bot.idle();
    const warned = channelCards().find((texts) =>
      /^Wave 1's follow-up found 1 problem/.test(texts[0])
    );
    expect(warned?.join('\n')).toContain(
      `holds Office 365 E3 only through "LIC Office 365 E3 (dynamic)", whose rule ${RULE} no longer matches them (their department is empty): Entra takes the license away when it next computes the group's members. Fix the attribute, or add them to "LIC Office 365 E3 (exceptions)".`
    );
    expect(warned?.join('\n')).toContain(drifter.userPrincipalName);
  }, 60_000);
});
