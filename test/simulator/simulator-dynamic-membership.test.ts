import { MAX_RULE_LENGTH } from '../../src/simulator/membership-rule';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import type { TenantFixture } from '../../src/simulator/tenant-fixture';
import { dynamicMembershipSettled } from '../support/dynamic-membership';
import { graphCall } from '../support/graph-http';
import { expectGraphShape } from '../support/graph-schema';
import { OFFICE_E3 as E3, TEAMS } from '../fixtures/skus';

const DELAY_MS = 10 * 60_000;
const FINANCE_RULE = '(user.department -eq "Finance")';

/** Five people, three of them in Finance; nobody holds a license yet. */
function tenant(): TenantFixture {
  const person = (id: string, department: string | null, extra: object = {}) => ({
    id,
    userPrincipalName: `${id}@contoso.example`,
    displayName: id,
    department,
    usageLocation: 'US',
    ...extra,
  });
  return {
    organization: {
      id: '5c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5',
      displayName: 'Contoso',
      countryLetterCode: 'US',
      defaultDomain: 'contoso.example',
    },
    subscribedSkus: [
      {
        skuId: E3,
        skuPartNumber: 'ENTERPRISEPACK',
        prepaidUnits: 10,
        servicePlans: [{ servicePlanId: TEAMS, servicePlanName: 'TEAMS1' }],
      },
    ],
    users: [
      person('megan', 'Finance', { city: 'Seattle', jobTitle: 'Controller' }),
      person('ines', 'finance'),
      person('omar', 'Finance', { onPremisesExtensionAttributes: { extensionAttribute1: 'FIN' } }),
      person('alex', 'Sales'),
      person('nobody', null),
    ],
    groups: [
      {
        id: 'static-group',
        displayName: 'Static E3',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: ['alex'],
        licenses: [{ skuId: E3, disabledPlans: [] }],
      },
    ],
  };
}

describe('dynamic membership groups, as Entra runs them', () => {
  let simulator: TenantSimulator;
  let base: string;
  const call = (method: string, path: string, body?: unknown) =>
    graphCall(base, method, path, body);
  const members = async (groupId: string) =>
    (
      (await call('GET', `/v1.0/groups/${groupId}/members?$select=id`)).body.value as {
        id: string;
      }[]
    )
      .map((m) => m.id)
      .sort();
  const licenseRows = (userId: string) =>
    simulator.directory.licenseAssignmentStates(simulator.directory.requireUser(userId));
  const createDynamicGroup = async (membershipRule = FINANCE_RULE, extra: object = {}) => {
    const created = await call('POST', '/v1.0/groups', {
      displayName: 'Finance E3 (dynamic)',
      mailNickname: 'finance-e3-dynamic',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: ['DynamicMembership'],
      membershipRule,
      membershipRuleProcessingState: 'On',
      ...extra,
    });
    expect(created.status).toBe(201);
    return created.body as { id: string };
  };
  const licenseGroup = async (groupId: string) =>
    expect(
      (
        await call('POST', `/v1.0/groups/${groupId}/assignLicense`, {
          addLicenses: [{ skuId: E3, disabledPlans: [] }],
          removeLicenses: [],
        })
      ).status
    ).toBe(202);
  const simulatedNow = () => simulator.clock.now().getTime();

  beforeEach(async () => {
    simulator = new TenantSimulator({
      tenant: tenant(),
      // 10 simulated minutes pass in 200 ms; license processing queues for 30 simulated seconds.
      timeScale: 3000,
      dynamicMembershipDelayMs: DELAY_MS,
      auditLatencyMs: 0,
      throttling: false,
    });
    base = await simulator.start();
  });
  afterEach(async () => {
    await simulator.stop();
  });

  it('creates a dynamic security group as Graph does and fills it from the rule only after the processing delay', async () => {
    const created = await call('POST', '/v1.0/groups', {
      displayName: 'Finance (dynamic)',
      mailNickname: 'finance-dynamic',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: ['DynamicMembership'],
      membershipRule: FINANCE_RULE,
      membershipRuleProcessingState: 'On',
    });
    expect(created.status).toBe(201);
    // When Graph says it created the group: at 3,000× a real millisecond of load is 3 simulated seconds.
    const createdAt = Date.parse(created.body.createdDateTime as string);
    // Read in-process at once: the processing delay (200 ms real) has not passed.
    expect(simulator.directory.requireGroup(created.body.id).members.size).toBe(0);
    expectGraphShape(created.body, 'microsoft.graph.group');
    expect(created.body).toMatchObject({
      groupTypes: ['DynamicMembership'],
      membershipRule: FINANCE_RULE,
      membershipRuleProcessingState: 'On',
      securityEnabled: true,
      mailEnabled: false,
    });

    await dynamicMembershipSettled(simulator);
    // Case-insensitive: "finance" matches "Finance".
    expect(await members(created.body.id)).toEqual(['ines', 'megan', 'omar']);
    const adds = simulator.directory.audit
      .list()
      .filter((entry) => entry.activityDisplayName === 'Add member to group');
    expect(adds).toHaveLength(3);
    for (const entry of adds) {
      expect(entry.initiatedBy).toMatchObject({
        app: { displayName: 'Microsoft Approval Management' },
      });
      expect(Date.parse(entry.activityDateTime as string)).toBeGreaterThanOrEqual(
        createdAt + DELAY_MS - 1000
      );
    }
    const read = await call(
      'GET',
      `/v1.0/groups/${created.body.id}?$select=id,groupTypes,membershipRule,membershipRuleProcessingState`
    );
    expectGraphShape(read.body, 'microsoft.graph.group');
    expect(read.body.membershipRuleProcessingState).toBe('On');
  });

  it('refuses to add a member by hand', async () => {
    const group = await createDynamicGroup();
    const add = await call('POST', `/v1.0/groups/${group.id}/members/$ref`, {
      '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/alex',
    });
    expect(add.status).toBe(400);
    expect(add.body.error.code).toBe('Request_BadRequest');
  });

  it('licenses members by the rule; a user whose department changes leaves after the delay and loses the inherited license', async () => {
    const group = await createDynamicGroup();
    await licenseGroup(group.id);
    await dynamicMembershipSettled(simulator);
    for (const id of ['megan', 'ines', 'omar'])
      expect(licenseRows(id)).toEqual([
        expect.objectContaining({ skuId: E3, assignedByGroup: group.id, state: 'Active' }),
      ]);

    const patch = await call('PATCH', '/v1.0/users/megan', { department: 'Sales' });
    const changedAt = simulatedNow();
    expect(patch.status).toBe(204);
    // Not yet: Entra has not processed the change (read in-process at once).
    expect(simulator.directory.requireGroup(group.id).members.has('megan')).toBe(true);
    expect(licenseRows('megan')).toHaveLength(1);

    await dynamicMembershipSettled(simulator);
    expect(await members(group.id)).toEqual(['ines', 'omar']);
    expect(licenseRows('megan')).toEqual([]);
    const loss = simulator.directory.timeline
      .losses(simulator.directory.skus)
      .find((change) => change.userId === 'megan');
    expect(loss).toBeDefined();
    expect(Date.parse(loss!.at)).toBeGreaterThanOrEqual(changedAt + DELAY_MS - 1000);
  });

  it('gives a joiner created with department Finance the group license, with no direct assignment', async () => {
    const group = await createDynamicGroup();
    await licenseGroup(group.id);
    await dynamicMembershipSettled(simulator);
    const joiner = await call('POST', '/v1.0/users', {
      accountEnabled: true,
      displayName: 'Nora Joiner',
      mailNickname: 'nora',
      userPrincipalName: 'nora@contoso.example',
      passwordProfile: { password: 'x!9-Long-enough' },
      usageLocation: 'US',
      department: 'Finance',
      jobTitle: 'Accountant',
      city: 'Seattle',
      country: 'United States',
      employeeId: '20001',
    });
    expect(joiner.status).toBe(201);
    await dynamicMembershipSettled(simulator);
    expect(await members(group.id)).toContain(joiner.body.id);
    expect(licenseRows(joiner.body.id)).toEqual([
      expect.objectContaining({ skuId: E3, assignedByGroup: group.id, state: 'Active' }),
    ]);
  });

  it('holds the members of a Paused group as they are, and applies the rule again once it is On', async () => {
    const group = await createDynamicGroup();
    await dynamicMembershipSettled(simulator);
    expect(
      (await call('PATCH', `/v1.0/groups/${group.id}`, { membershipRuleProcessingState: 'Paused' }))
        .status
    ).toBe(204);
    await call('PATCH', '/v1.0/users/alex', { department: 'Finance' });
    await call('PATCH', '/v1.0/users/megan', { department: null });
    await dynamicMembershipSettled(simulator);
    expect(await members(group.id)).toEqual(['ines', 'megan', 'omar']);

    await call('PATCH', `/v1.0/groups/${group.id}`, { membershipRuleProcessingState: 'On' });
    await dynamicMembershipSettled(simulator);
    expect(await members(group.id)).toEqual(['alex', 'ines', 'omar']);
  });

  it('computes the members again when the rule changes, on any attribute a rule may read', async () => {
    const group = await createDynamicGroup();
    await dynamicMembershipSettled(simulator);
    const rule = 'user.extensionAttribute1 -eq "fin" -or user.city -startsWith "sea"';
    expect((await call('PATCH', `/v1.0/groups/${group.id}`, { membershipRule: rule })).status).toBe(
      204
    );
    await dynamicMembershipSettled(simulator);
    expect(await members(group.id)).toEqual(['megan', 'omar']);
    expect((await call('GET', `/v1.0/groups/${group.id}`)).body.membershipRule).toBe(rule);

    await call('PATCH', '/v1.0/users/alex', {
      onPremisesExtensionAttributes: { extensionAttribute1: 'FIN' },
    });
    await call('PATCH', '/v1.0/users/omar', {
      onPremisesExtensionAttributes: { extensionAttribute1: null },
    });
    await dynamicMembershipSettled(simulator);
    expect(await members(group.id)).toEqual(['alex', 'megan']);
  });

  it('empties a static licensing group at once when it is converted to dynamic, then fills it from the rule', async () => {
    const converted = await call('PATCH', '/v1.0/groups/static-group', {
      groupTypes: ['DynamicMembership'],
      membershipRule: 'user.department -eq "Sales"',
    });
    expect(converted.status).toBe(204);
    expect(await members('static-group')).toEqual([]);
    await dynamicMembershipSettled(simulator);
    expect(await members('static-group')).toEqual(['alex']);
    // Alex was out of the group for the processing delay: the license went and came back.
    const alex = simulator.directory.timeline.forUser('alex');
    expect(alex.map((c) => c.after.length)).toEqual([0, 1]);
  });

  it.each([
    [
      'an unknown property',
      { membershipRule: 'user.favouriteColour -eq "Blue"' },
      /^Dynamic membership rule validation error: Wrong property applied\. Property 'favouriteColour' cannot be applied to object 'User'\.$/,
    ],
    [
      'a rule over 3,072 characters',
      {
        membershipRule: `user.department -in [${Array.from({ length: 500 }, (_, i) => `"D${i}"`).join(',')}]`,
      },
      new RegExp(`a rule can have at most ${MAX_RULE_LENGTH}`),
    ],
    [
      'a syntax error',
      { membershipRule: 'user.department -eq' },
      /Syntax error: found the end of the rule, expected a value/,
    ],
    ['no rule', { membershipRule: undefined }, /Property 'membershipRule' is required/],
    [
      'a processing state other than On or Paused',
      { membershipRuleProcessingState: 'Off' },
      /Invalid value specified for property 'membershipRuleProcessingState'/,
    ],
    [
      'a rule on a static group',
      { groupTypes: [] },
      /Invalid value specified for property 'membershipRule'/,
    ],
  ])('refuses to create a dynamic group with %s', async (_, change, message) => {
    const answer = await call('POST', '/v1.0/groups', {
      displayName: 'Refused',
      mailNickname: 'refused',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: ['DynamicMembership'],
      membershipRule: FINANCE_RULE,
      ...change,
    });
    expect(answer.status).toBe(400);
    expectGraphShape(answer.body, 'graphErrorResponse');
    expect(answer.body.error.code).toBe('Request_BadRequest');
    expect(answer.body.error.message).toMatch(message);
    expect([...simulator.directory.groups.values()].some((g) => g.displayName === 'Refused')).toBe(
      false
    );
  });

  it('refuses a PATCH with a bad rule and keeps the old one', async () => {
    const group = await createDynamicGroup();
    const answer = await call('PATCH', `/v1.0/groups/${group.id}`, {
      membershipRule: 'user.department -startsWith null',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/Invalid operands found for operator -startsWith/);
    expect((await call('GET', `/v1.0/groups/${group.id}`)).body.membershipRule).toBe(FINANCE_RULE);
  });
});

describe('user attributes dynamic rules read, through POST and PATCH /users', () => {
  let simulator: TenantSimulator;
  let base: string;
  beforeEach(async () => {
    simulator = new TenantSimulator({ tenant: tenant(), throttling: false });
    base = await simulator.start();
  });
  afterEach(async () => {
    await simulator.stop();
  });
  const SELECT =
    '$select=id,department,jobTitle,companyName,officeLocation,city,state,country,employeeId,onPremisesExtensionAttributes';

  it('serves the fixture attributes on $select in Graph shape, and changes them by PATCH (extension attributes merged)', async () => {
    const before = await graphCall(base, 'GET', `/v1.0/users/omar?${SELECT}`);
    expectGraphShape(before.body, 'microsoft.graph.user');
    expect(before.body.onPremisesExtensionAttributes.extensionAttribute1).toBe('FIN');
    const patch = await graphCall(base, 'PATCH', '/v1.0/users/omar', {
      companyName: 'Contoso Ltd',
      officeLocation: 'Building 4',
      city: 'Reading',
      state: 'Berkshire',
      country: 'United Kingdom',
      employeeId: '10077',
      onPremisesExtensionAttributes: { extensionAttribute15: 'Marketing' },
    });
    expect(patch.status).toBe(204);
    const after = await graphCall(base, 'GET', `/v1.0/users/omar?${SELECT}`);
    expectGraphShape(after.body, 'microsoft.graph.user');
    expect(after.body).toMatchObject({
      companyName: 'Contoso Ltd',
      officeLocation: 'Building 4',
      city: 'Reading',
      state: 'Berkshire',
      country: 'United Kingdom',
      employeeId: '10077',
    });
    expect(after.body.onPremisesExtensionAttributes).toMatchObject({
      extensionAttribute1: 'FIN',
      extensionAttribute15: 'Marketing',
      extensionAttribute2: null,
    });
  });

  it.each([
    [{ city: 42 }, /'city'/],
    [{ onPremisesExtensionAttributes: { extensionAttribute16: 'x' } }, /extensionAttribute16/],
    [{ onPremisesExtensionAttributes: 'x' }, /'onPremisesExtensionAttributes'/],
  ])('refuses PATCH %j and changes nothing', async (body, message) => {
    const answer = await graphCall(base, 'PATCH', '/v1.0/users/megan', {
      jobTitle: 'Changed',
      ...body,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
    expect(simulator.directory.requireUser('megan').jobTitle).toBe('Controller');
  });
});
