import { randomUUID } from 'node:crypto';
import type { Notice } from '../../../src/engine/ports/notifier';
import type { JobDependencies } from '../../../src/engine/jobs/job-dependencies';
import { runAssignJob } from '../../../src/engine/jobs/assign-job';
import { runFollowUpJob } from '../../../src/engine/jobs/follow-up-job';
import { planGroups } from '../../../src/engine/plan-groups';
import {
  NEW_MIGRATION_RECORD,
  planDigest,
  type AssignState,
  type MigrationRecord,
  type StoredWave,
} from '../../../src/domain/migration-record';
import { GraphDirectoryWriter } from '../../../src/graph/graph-directory-writer';
import { GraphGroupWriter } from '../../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../../src/graph/graph-tenant-reader';
import { buildDemoTenant } from '../../../src/simulator/scenarios/demo-tenant';
import {
  generateTenant,
  parseGeneratorSpec,
} from '../../../src/simulator/scenarios/generated-tenant';
import type { TenantFixture } from '../../../src/simulator/tenant-fixture';
import type { SimulatorOptions } from '../../../src/simulator/simulator-server';
import { memoryState } from '../../../src/storage/bot-state';
import { graphCall } from '../../support/graph-http';
import { simulatorsPerTest } from '../../support/running-simulator';
import { simulatorGraphClient } from '../../support/simulator-graph-client';

jest.setTimeout(60_000);

/** Graph requests by kind: pages of the tenant's users, and reads of one user (alone or in a `$batch`). */
function countReads(simulator: { onResponse: SimulatorOptionsHook }) {
  const seen = { pages: 0, singleUserReads: 0 };
  simulator.onResponse = (method, url) => {
    if (method !== 'GET') return;
    const path = new URL(url, 'https://x').pathname.replace(/^\/v1\.0/, '');
    if (path === '/users') seen.pages++;
    else if (/^\/users\/[^/]+$/.test(path)) seen.singleUserReads++;
  };
  return seen;
}
type SimulatorOptionsHook = ((method: string, url: string, status: number) => void) | null;

/** A runner's job dependencies on a simulator and state in memory; the notices it sent. */
async function jobsOn(started: { base: string }, record: MigrationRecord) {
  const client = simulatorGraphClient(started.base);
  const state = memoryState();
  await state.store.write(record, null);
  const notices: Notice[] = [];
  const deps: JobDependencies = {
    reader: new GraphTenantReader(client),
    groupWriter: new GraphGroupWriter(client, started.base),
    directoryWriter: new GraphDirectoryWriter(client, started.base),
    journal: state.journal,
    store: state.store,
    waveContents: state.waveContents,
    planMembers: state.planMembers,
    notifier: { notify: async (notice) => void notices.push(notice) },
    lease: state.lease,
    now: () => new Date(),
    newId: randomUUID,
    log: () => undefined,
    approvalTtlMs: 3_600_000,
    followUpAfterMs: 0,
    processing: { pollMs: 20, timeoutMs: 20_000, auditEveryMs: 20 },
    readBack: { delaysMs: [] },
  };
  return { deps, notices, state };
}

async function deleteUser(base: string, userId: string): Promise<void> {
  expect((await graphCall(base, 'DELETE', `/v1.0/users/${userId}`)).status).toBe(204);
}

const quickTenant = (tenant: TenantFixture): SimulatorOptions => ({
  tenant,
  timings: { queuedMs: 10, usersPerSecond: 100_000 },
  auditLatencyMs: 0,
});

describe('reads of most of the tenant come from its pages', () => {
  const simulators = simulatorsPerTest();

  it("reads a group assignment's members to add from the tenant's pages, still leaving out a user deleted since the plan", async () => {
    const started = await simulators.start(quickTenant(buildDemoTenant()));
    const plan = await planGroups(new GraphTenantReader(simulatorGraphClient(started.base)));
    const assign: AssignState = {
      status: 'running',
      groups: plan.groups,
      digest: planDigest(plan.groups),
      approvalId: 'assign-1',
    };
    const { deps, notices } = await jobsOn(started, { ...NEW_MIGRATION_RECORD, assign });
    const leaver = plan.groups[0].userIds[3];
    await deleteUser(started.base, leaver);
    const seen = countReads(started.simulator);

    await runAssignJob(deps, assign, () => false);

    const planned = plan.groups.reduce((n, g) => n + g.userIds.length, 0);
    expect(planned).toBeGreaterThan(1_000);
    // Not one read per member (over a thousand, in $batches of 20): the biggest group's sweep of the
    // tenant's pages keeps every group's members, so neither the other group for everyone nor
    // Finance's 200 are read again. Pages (the demo tenant is one): the sweep before the groups (the
    // count and the members to add), and the verify after (with the count after).
    expect(seen.singleUserReads).toBe(0);
    expect(seen.pages).toBe(2);
    const finished = notices.find((n) => n.kind === 'assign-finished');
    expect(finished).toMatchObject({
      failures: 0,
      leftOut: expect.stringMatching(/: \d deleted since the plan\.$/),
    });
  });

  it("reads a wave's follow-up from the tenant's pages when the wave is most of it, and still finds a lost license", async () => {
    // 700 users who inherit E3 from the licensing group (all but one, whose E3 the removal took away),
    // their direct E3 removed by wave 1.
    const generated = generateTenant(parseGeneratorSpec('users=700,grouped=100%,seed=11'));
    const e3 = generated.groups?.[0].licenses?.[0].skuId ?? '';
    const tenant: TenantFixture = {
      ...generated,
      subscribedSkus: generated.subscribedSkus.map((s) =>
        s.skuId === e3 ? { ...s, prepaidUnits: 800 } : s
      ),
      users: generated.users.map((u) => ({
        ...u,
        licenses: (u.licenses ?? []).filter((l) => l.skuId !== e3),
      })),
      groups: [
        {
          ...generated.groups![0],
          members: generated.users.map((u) => u.id).filter((id) => id !== generated.users[20].id),
        },
      ],
    };
    const started = await simulators.start(quickTenant(tenant));
    const waveUsers = tenant.users.slice(0, 600);
    const lostE3 = waveUsers[20];
    const wave: StoredWave = {
      number: 1,
      digest: 'wave-1',
      userCount: waveUsers.length,
      entries: waveUsers.map((u) => ({
        userId: u.id,
        userPrincipalName: u.userPrincipalName,
        skuId: e3,
        disabledPlans: [],
      })),
      status: 'completed',
      proposedBy: { id: 'admin', name: 'Adele Vance' },
      followUp: { dueAt: new Date().toISOString(), status: 'waiting' },
    };
    const counted = {
      at: new Date().toISOString(),
      label: 'after wave 1',
      users: tenant.users.length,
      skus: [],
    };
    const record = { ...NEW_MIGRATION_RECORD, waves: [wave], history: [counted] };
    const { deps, notices } = await jobsOn(started, record);
    for (const u of waveUsers) {
      const intent = `intent-${u.id}`;
      await deps.journal.append({
        kind: 'removal-intended',
        id: intent,
        at: new Date().toISOString(),
        waveNumber: 1,
        waveDigest: 'wave-1',
        userId: u.id,
        skuId: e3,
        disabledPlans: [],
      });
      await deps.journal.append({
        kind: 'removal-outcome',
        id: `outcome-${u.id}`,
        at: new Date().toISOString(),
        intentId: intent,
        outcome: 'removed',
        reason: 'Removed.',
      });
    }
    await deleteUser(started.base, waveUsers[9].id);
    const seen = countReads(started.simulator);

    await runFollowUpJob(deps, wave, record);

    // One page for the check, one for the count after it; no read of any of the 600 users alone.
    expect(seen).toEqual({ pages: 2, singleUserReads: 0 });
    expect(notices.find((n) => n.kind === 'follow-up-finished')).toMatchObject({
      checked: 600,
      usersGone: 1,
      problems: 1,
      findings: [expect.objectContaining({ userId: lostE3.id, skuId: e3, needsRestore: true })],
      restoreRequested: true,
    });
  });
});
