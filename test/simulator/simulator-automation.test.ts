import { nextRunAt, parseAutomationSchedule } from '../../src/simulator/automation-schedule';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { DEMO_AUTOMATION, buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import type { TenantFixture } from '../../src/simulator/tenant-fixture';
import { takeInventory } from '../../src/engine/take-inventory';
import { graphCall } from '../support/graph-http';
import { planWavesOn } from '../support/wave-harness';
import { EMS, OFFICE_E3 } from '../fixtures/skus';

/** A schedule that never comes round during a test: runs are made with runOnce(). */
const NOT_DURING_THE_TEST = { kind: 'every', ms: 365 * 86_400_000 } as const;

describe("the tenant's old license script keeps running in the simulator", () => {
  let simulator: TenantSimulator;
  let base: string;
  const user = async (id: string) =>
    (
      await graphCall(
        base,
        'GET',
        `/v1.0/users/${id}?$select=id,department,accountEnabled,licenseAssignmentStates`
      )
    ).body;

  afterEach(async () => {
    await simulator.stop();
  });

  async function startWith(tenant: TenantFixture, timeScale = 1): Promise<void> {
    simulator = new TenantSimulator({
      tenant,
      timeScale,
      automation: NOT_DURING_THE_TEST,
      auditLatencyMs: 0,
      auditLimit: false,
    });
    base = await simulator.start();
  }

  it("gives each joiner the direct licenses of the demo's rule, as its own app in the audit log", async () => {
    await startWith({
      ...buildDemoTenant(),
      existingAutomation: { ...DEMO_AUTOMATION, joinersPerRun: 12 },
    });
    const run = simulator.automation?.runOnce();
    expect(run?.joiners).toHaveLength(12);
    for (const joiner of run?.joiners ?? []) {
      const read = await user(joiner.id);
      const direct = read.licenseAssignmentStates
        .filter((r: { assignedByGroup: string | null }) => r.assignedByGroup === null)
        .map((r: { skuId: string }) => r.skuId)
        .sort();
      // EMS E3 to everyone, Office 365 E3 to Finance too; nobody is in a licensing group yet.
      expect(direct).toEqual(read.department === 'Finance' ? [OFFICE_E3, EMS].sort() : [EMS]);
      expect(read.licenseAssignmentStates).toHaveLength(direct.length);
    }
    const audit = await graphCall(
      base,
      'GET',
      `/v1.0/auditLogs/directoryAudits?$top=999&$filter=${encodeURIComponent(
        `activityDisplayName eq 'Add user' and initiatedBy/app/displayName eq '${DEMO_AUTOMATION.displayName}'`
      )}`
    );
    expect(audit.body.value).toHaveLength(12);
    expect(audit.body.value[0].initiatedBy.app.appId).toBe(DEMO_AUTOMATION.appId);
  });

  it('disables each leaver and takes away the licenses they held directly, but never an admin or approver', async () => {
    await startWith({
      ...buildDemoTenant(),
      existingAutomation: { ...DEMO_AUTOMATION, leaversPerRun: 50 },
    });
    const run = simulator.automation?.runOnce();
    expect(run?.leavers).toHaveLength(50);
    for (const leaver of run?.leavers ?? []) {
      const read = await user(leaver.id);
      expect(read.accountEnabled).toBe(false);
      expect(read.licenseAssignmentStates).toEqual([]);
    }
    const roster = new Set([...simulator.directory.groups.values()].flatMap((g) => [...g.members]));
    expect(run?.leavers.some((u) => roster.has(u.id))).toBe(false);
  });

  it("spends the tenant's write quota it shares with the bot: once spent, the bot's writes are throttled for the tenant", async () => {
    const tenant = buildDemoTenant();
    await startWith(
      {
        ...tenant,
        subscribedSkus: tenant.subscribedSkus.map((s) => ({ ...s, prepaidUnits: 20_000 })),
        // 9,500 joiners, each created and licensed: more than the tenant's 18,000 writes per 5 minutes.
        existingAutomation: { ...DEMO_AUTOMATION, joinersPerRun: 9_500, leaversPerRun: 0 },
      },
      // Simulated time almost stands still, so the quota does not refill while the test reads it.
      0.001
    );
    const run = simulator.automation?.runOnce();
    // Graph throttled the script too: it stopped, the rest waits for its next run.
    expect(run?.throttled).toBe(true);
    expect(run?.joiners.length).toBeLessThan(9_500);
    const someone = [...simulator.directory.users.values()][10];
    const answer = await graphCall(base, 'POST', `/v1.0/users/${someone.id}/assignLicense`, {
      addLicenses: [],
      removeLicenses: [EMS],
    });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('x-ms-throttle-scope')).toMatch(/^Tenant\/Write\//);
  });
});

describe('inventory while the script runs', () => {
  it("names the running script as the existing automation, tonight's joiners and leavers counted", async () => {
    const simulator = new TenantSimulator({
      tenant: {
        ...buildDemoTenant(),
        existingAutomation: { ...DEMO_AUTOMATION, joinersPerRun: 3, leaversPerRun: 2 },
      },
      automation: NOT_DURING_THE_TEST,
      auditLatencyMs: 0,
      auditLimit: false,
    });
    try {
      const { reader } = await planWavesOn(await simulator.start(), ['rest']);
      // One moment for both reads: the audit window (30 days back from it) must not slide between them,
      // or an event of the script's history near its start drops out.
      const asOf = simulator.clock.now();
      const scriptIn = async () =>
        (await takeInventory(reader, { now: asOf })).automation.find(
          (a) => a.actor === DEMO_AUTOMATION.displayName
        );
      const history = (await scriptIn())?.changes ?? 0;
      const run = simulator.automation?.runOnce();
      const script = await scriptIn();
      // Its history, then tonight: one license change per joiner licensed and per leaver whose direct
      // licenses it took (a leaver it picks may hold none directly: no call, nothing in the log).
      const usersChanged = (changes: readonly { userId: string }[]) =>
        new Set(changes.map((c) => c.userId)).size;
      expect(run?.joiners).toHaveLength(3);
      expect(run?.leavers).toHaveLength(2);
      expect(script?.changes).toBe(
        history + usersChanged(run?.given ?? []) + usersChanged(run?.taken ?? [])
      );
      expect(script?.lastSeen.slice(0, 10)).toBe(run?.at.slice(0, 10));
    } finally {
      await simulator.stop();
    }
  });
});

describe("the script's schedule, in simulated time", () => {
  it('runs nightly at the given UTC time: later today, or tomorrow once it has passed', () => {
    const nightly = parseAutomationSchedule('02:00');
    expect(nextRunAt(nightly, new Date('2025-03-01T01:59:00Z')).toISOString()).toBe(
      '2025-03-01T02:00:00.000Z'
    );
    expect(nextRunAt(nightly, new Date('2025-03-01T02:00:00Z')).toISOString()).toBe(
      '2025-03-02T02:00:00.000Z'
    );
  });

  it('runs every so many simulated minutes for tests, and refuses a schedule it cannot read', () => {
    expect(nextRunAt(parseAutomationSchedule('every 10m'), new Date(0)).getTime()).toBe(600_000);
    expect(() => parseAutomationSchedule('nightly')).toThrow(/UTC time of day/);
    expect(() => parseAutomationSchedule('every 0')).toThrow(/UTC time of day/);
  });
});
