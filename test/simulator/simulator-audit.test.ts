import { TenantSimulator } from '../../src/simulator/simulator-server';
import {
  DEMO_AUTOMATION,
  DEMO_PEOPLE,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import { graphCall } from '../support/graph-http';
import { processingSettled } from '../support/processing';
import { expectGraphShape } from '../support/graph-schema';
import { EMS, OFFICE_E3, SWAY } from '../fixtures/skus';

describe('the simulator keeps a directory audit log, as Entra does', () => {
  let simulator: TenantSimulator;
  let base: string;
  const audits = async (filter: string) =>
    (
      await graphCall(
        base,
        'GET',
        `/v1.0/auditLogs/directoryAudits?$top=999&$filter=${encodeURIComponent(filter)}`
      )
    ).body;

  beforeEach(async () => {
    // What is recorded, not when it can be read: no audit latency, no reports limit here.
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100000 },
      auditLatencyMs: 0,
      auditLimit: false,
    });
    base = await simulator.start();
  });
  afterEach(async () => {
    await simulator.stop();
  });

  it("shows the existing automation's direct assignments: who, and how often", async () => {
    const page = await audits(
      `activityDisplayName eq 'Change user license' and initiatedBy/app/displayName eq '${DEMO_AUTOMATION.displayName}'`
    );
    expectGraphShape(page, 'microsoft.graph.directoryAuditCollectionResponse');
    // One user a run for 1,000 users, once a day for 30 days.
    expect(page.value.length).toBe(DEMO_AUTOMATION.runs);
    const days = new Set(
      page.value.map((e: { activityDateTime: string }) => e.activityDateTime.slice(0, 10))
    );
    expect(days.size).toBe(DEMO_AUTOMATION.runs);
    expect(page.value[0].initiatedBy.app.appId).toBe(DEMO_AUTOMATION.appId);
    // Newest first.
    expect(
      page.value[0].activityDateTime > page.value[DEMO_AUTOMATION.runs - 1].activityDateTime
    ).toBe(true);
  });

  it('records group license processing from start to finish, with its result, and each member changed', async () => {
    const group = await graphCall(base, 'POST', '/v1.0/groups', {
      displayName: 'EMS',
      mailEnabled: false,
      mailNickname: 'ems',
      securityEnabled: true,
    });
    const groupId = group.body.id as string;
    await graphCall(base, 'POST', `/v1.0/groups/${groupId}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${DEMO_PEOPLE.sales.id}`,
    });
    await graphCall(base, 'POST', `/v1.0/groups/${groupId}/assignLicense`, {
      addLicenses: [{ skuId: EMS, disabledPlans: [] }],
      removeLicenses: [],
    });
    await processingSettled(simulator);
    const forGroup = await audits(`targetResources/any(t:t/id eq '${groupId}')`);
    const activities = forGroup.value
      .map((e: { activityDisplayName: string }) => e.activityDisplayName)
      .reverse();
    expect(activities).toEqual([
      'Add group',
      'Add member to group',
      'Set group license',
      'Start applying group based license to users',
      'Finish applying group based license to users',
    ]);
    const finish = forGroup.value[0];
    expect(finish.initiatedBy.app.displayName).toBe('Microsoft Entra group-Based Licensing');
    expect(finish.targetResources[0].modifiedProperties[0].newValue).toBe(
      '[Users successfully assigned licenses: 1, Users for whom license assignment failed: 0.];'
    );
    const userChange = await audits(
      `activityDisplayName eq 'Change user license' and initiatedBy/app/displayName eq 'Microsoft Entra group-Based Licensing'`
    );
    expect(
      userChange.value.map((e: { targetResources: { id: string }[] }) => e.targetResources[0].id)
    ).toEqual([DEMO_PEOPLE.sales.id]);
  });

  it('records a direct change with the old and new assignments, made by the calling app', async () => {
    await graphCall(base, 'POST', `/v1.0/users/${DEMO_PEOPLE.sales.id}/assignLicense`, {
      addLicenses: [],
      removeLicenses: [EMS],
    });
    const page = await audits(
      `activityDisplayName eq 'Change user license' and initiatedBy/app/displayName eq 'License migration bot'`
    );
    expect(page.value).toHaveLength(1);
    const [changed] = page.value[0].targetResources[0].modifiedProperties;
    expect(changed.displayName).toBe('AssignedLicense');
    expect(changed.oldValue).toContain(`SkuName=EMS, AccountId=`);
    expect(changed.newValue).toBe('[]');
  });

  it('pages the log as it stood at the first page, so new entries do not repeat an entry across pages', async () => {
    const first = await graphCall(base, 'GET', '/v1.0/auditLogs/directoryAudits?$top=10');
    for (let i = 0; i < 5; i++) {
      await graphCall(base, 'PATCH', `/v1.0/users/${DEMO_PEOPLE.sales.id}`, {
        department: `Sales ${i}`,
      });
    }
    const second = await graphCall(base, 'GET', first.body['@odata.nextLink'].replace(base, ''));
    const ids = [...first.body.value, ...second.body.value].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      second.body.value.some(
        (e: { activityDisplayName: string }) => e.activityDisplayName === 'Update user'
      )
    ).toBe(false);
  });

  it('refuses a filter it does not support', async () => {
    const answer = await graphCall(
      base,
      'GET',
      `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("contains(activityDisplayName,'license')")}`
    );
    expect(answer.status).toBe(400);
    expectGraphShape(answer.body, 'graphErrorResponse');
  });
});

describe('the license timeline, a read-only view beside Graph', () => {
  it('records each change to a user effective licenses and reports the ones that lost something', async () => {
    const simulator = new TenantSimulator({ tenant: buildDemoTenant() });
    const base = await simulator.start();
    try {
      const user = DEMO_PEOPLE.sales.id;
      await graphCall(base, 'POST', `/v1.0/users/${user}/assignLicense`, {
        addLicenses: [{ skuId: OFFICE_E3, disabledPlans: [] }],
        removeLicenses: [],
      });
      await graphCall(base, 'POST', `/v1.0/users/${user}/assignLicense`, {
        addLicenses: [{ skuId: OFFICE_E3, disabledPlans: [SWAY] }],
        removeLicenses: [],
      });
      const timeline = await graphCall(base, 'GET', `/_simulator/licenseTimeline/${user}`);
      expect(timeline.body.value).toHaveLength(2);
      const losses = await graphCall(base, 'GET', '/_simulator/licenseLosses');
      expect(losses.body.value).toEqual([
        expect.objectContaining({ userId: user, skuId: OFFICE_E3, plans: [SWAY] }),
      ]);
    } finally {
      await simulator.stop();
    }
  });
});

describe('the audit log as it really is: late, and under the reports limit', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('shows a change only once the audit latency has passed (simulated time)', async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timeScale: 600,
      auditLatencyMs: 5 * 60_000,
      auditLimit: false,
    });
    const base = await simulator.start();
    await graphCall(base, 'POST', `/v1.0/users/${DEMO_PEOPLE.sales.id}/assignLicense`, {
      addLicenses: [],
      removeLicenses: [EMS],
    });
    const filter = encodeURIComponent(
      `activityDisplayName eq 'Change user license' and initiatedBy/app/displayName eq 'License migration bot'`
    );
    const read = async () =>
      (await graphCall(base, 'GET', `/v1.0/auditLogs/directoryAudits?$filter=${filter}`)).body
        .value as unknown[];
    expect(await read()).toHaveLength(0);
    const readableAt = simulator.clock.now().getTime() + 5 * 60_000;
    while (simulator.clock.now().getTime() < readableAt)
      await new Promise((r) => setTimeout(r, 50));
    expect(await read()).toHaveLength(1);
  });

  it('answers 429 with Retry-After past 5 audit reads in 10 s, without touching the directory quota', async () => {
    simulator = new TenantSimulator({ tenant: buildDemoTenant(), auditLatencyMs: 0 });
    const base = await simulator.start();
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 6; i++) {
      const answer = await graphCall(base, 'GET', '/v1.0/auditLogs/directoryAudits?$top=1');
      statuses.push(answer.status);
      retryAfter ??= answer.headers.get('retry-after') ?? undefined;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect((await graphCall(base, 'GET', '/v1.0/users?$top=1')).status).toBe(200);
  });
});
