import { randomUUID } from 'node:crypto';
import type { Notice } from '../../../src/engine/ports/notifier';
import type { JobDependencies } from '../../../src/engine/jobs/job-dependencies';
import type { StockRequest } from '../../../src/domain/stock-requests';
import { LeaseLostError } from '../../../src/engine/ports/write-fence';
import { runAssignJob } from '../../../src/engine/jobs/assign-job';
import { planGroups } from '../../../src/engine/plan-groups';
import { takeInventory } from '../../../src/engine/take-inventory';
import {
  NEW_MIGRATION_RECORD,
  planDigest,
  type AssignState,
  type ProgressPoint,
} from '../../../src/domain/migration-record';
import { GraphDirectoryWriter } from '../../../src/graph/graph-directory-writer';
import { GraphGroupWriter } from '../../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../../src/graph/graph-tenant-reader';
import { buildDemoTenant } from '../../../src/simulator/scenarios/demo-tenant';
import type { TenantSimulator } from '../../../src/simulator/simulator-server';
import { memoryState } from '../../../src/storage/bot-state';
import { simulatorsPerTest } from '../../support/running-simulator';
import { simulatorGraphClient } from '../../support/simulator-graph-client';

jest.setTimeout(60_000);

/** Sweeps of the tenant's users: reads of the first of its pages (GET /users with no skiptoken). */
function countSweeps(simulator: TenantSimulator): { sweeps: number } {
  const seen = { sweeps: 0 };
  simulator.onResponse = (method, url) => {
    const { pathname, search } = new URL(url, 'https://x');
    const first = pathname.replace(/^\/v1\.0/, '') === '/users' && !/skiptoken/i.test(search);
    if (method === 'GET' && first) seen.sweeps++;
  };
  return seen;
}

/**
 * The demo tenant's approved group assignment, run as the runner runs it (stock after a step asked to
 * be taken beside the next work: `asked`), with the record's history as each group license is assigned.
 */
async function assignment(
  simulators: ReturnType<typeof simulatorsPerTest>,
  resumed: Partial<AssignState> = {},
  options: { holdFirstSweep?: boolean; failSecondGroup?: Error } = {}
) {
  const { simulator, base } = await simulators.start({
    tenant: buildDemoTenant(),
    timings: { queuedMs: 10, usersPerSecond: 100_000 },
    auditLatencyMs: 0,
  });
  const client = simulatorGraphClient(base);
  const reader = new GraphTenantReader(client);
  const plan = await planGroups(reader);
  const assign: AssignState = {
    status: 'running',
    groups: plan.groups,
    digest: planDigest(plan.groups),
    approvalId: 'assign-1',
    ...resumed,
  };
  const state = memoryState();
  await state.store.write({ ...NEW_MIGRATION_RECORD, assign }, null);
  const writer = new GraphGroupWriter(client, base);
  // The history as each member add or group license is sent; the first releases a held sweep.
  const historyAtWrite: string[][] = [];
  let written = () => undefined as void;
  const firstWrite = new Promise<void>((resolve) => (written = resolve));
  const noted = async () => {
    written();
    historyAtWrite.push(((await state.store.read()).record.history ?? []).map((p) => p.label));
  };
  let created = 0;
  const notices: Notice[] = [];
  const asked: StockRequest[] = [];
  const deps: JobDependencies = {
    reader: options.holdFirstSweep ? heldFirstSweep(reader, firstWrite) : reader,
    groupWriter: Object.assign(Object.create(writer) as GraphGroupWriter, {
      addMembers: async (groupId: string, userIds: readonly string[]) => {
        await noted();
        return writer.addMembers(groupId, userIds);
      },
      assignGroupLicense: async (groupId: string, skuId: string, plans: readonly string[]) => {
        await noted();
        return writer.assignGroupLicense(groupId, skuId, plans);
      },
      createSecurityGroup: async (...args: Parameters<GraphGroupWriter['createSecurityGroup']>) => {
        if (options.failSecondGroup && ++created === 2) throw options.failSecondGroup;
        return writer.createSecurityGroup(...args);
      },
    }),
    directoryWriter: new GraphDirectoryWriter(client, base),
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
    takeStockBeside: (request) => void asked.push(request),
  };
  const history = async () => (await state.store.read()).record.history ?? [];
  const run = () => runAssignJob(deps, assign, () => false);
  return { simulator, reader, assign, run, history, historyAtWrite, notices, asked };
}

/**
 * The reader with its first sweep held until a member add or group license is sent, or a moment has
 * passed: a job that sent one before the sweep ended is seen doing so, whatever the machine's speed.
 */
function heldFirstSweep(reader: GraphTenantReader, firstWrite: Promise<void>): GraphTenantReader {
  const held = Object.create(reader) as GraphTenantReader;
  let sweeps = 0;
  held.forEachUser = async (visit) => {
    if (sweeps++ === 0)
      await Promise.race([firstWrite, new Promise((resolve) => setTimeout(resolve, 300))]);
    return reader.forEachUser(visit);
  };
  return held;
}

const pointNamed = (history: readonly ProgressPoint[], label: string) =>
  history.find((p) => p.label === label);

describe("the group assignment's reads of the whole tenant", () => {
  const simulators = simulatorsPerTest();

  it('reads the tenant twice, and leaves no read of it to run beside the first wave', async () => {
    const t = await assignment(simulators);
    const seen = countSweeps(t.simulator);

    await t.run();

    // One sweep before the groups (the count and the members to add), one after (the verify and
    // the count): each point is in the history when the step ends, none asked beside the next work.
    expect(seen.sweeps).toBe(2);
    expect(t.asked).toEqual([]);
    expect((await t.history()).map((p) => p.label)).toEqual([
      'before the groups',
      'groups assigned',
    ]);
  });

  it('counts the tenant before the groups before any group license is assigned, as it stood', async () => {
    const t = await assignment(simulators, {}, { holdFirstSweep: true });
    const untouched = await takeInventory(t.reader);

    await t.run();

    // Nothing added nor licensed before the point is recorded, however long its read takes.
    expect(t.historyAtWrite.length).toBeGreaterThan(0);
    for (const labels of t.historyAtWrite) expect(labels).toEqual(['before the groups']);
    const before = pointNamed(await t.history(), 'before the groups');
    expect(before?.users).toBe(untouched.userCount);
    for (const sku of before?.skus ?? []) {
      const counted = untouched.skus.find((s) => s.skuId === sku.skuId);
      expect(sku).toMatchObject({
        directOnly: counted?.directOnly,
        both: counted?.both,
        inheritedOnly: counted?.inheritedOnly,
      });
    }
  });

  it("says the same in the 'groups assigned' point as in the verify the step ends with", async () => {
    const t = await assignment(simulators);

    await t.run();

    const after = pointNamed(await t.history(), 'groups assigned');
    const finished = t.notices.find((n) => n.kind === 'assign-finished');
    const verify = finished?.kind === 'assign-finished' ? finished.verify : {};
    expect(after?.skus.length).toBeGreaterThan(0);
    for (const sku of after?.skus ?? []) {
      const decided = verify[sku.skuPartNumber] ?? { remove: 0, skip: 0 };
      // Every direct assignment the point counts is one the verify decided on, and no other.
      expect(decided.remove + decided.skip).toBe(sku.directOnly + sku.both);
    }
  });

  it('takes no second point before the groups when it resumes with its groups recorded', async () => {
    const t = await assignment(simulators, { groupIds: {} });

    await t.run();

    expect((await t.history()).map((p) => p.label)).toEqual(['groups assigned']);
    expect(t.notices.find((n) => n.kind === 'assign-finished')).toMatchObject({ failures: 0 });
  });

  it('still counts the tenant before the groups when it fails while creating them', async () => {
    const t = await assignment(
      simulators,
      {},
      { failSecondGroup: new Error('Graph answered 503') }
    );

    await expect(t.run()).rejects.toThrow('503');

    // Tried again, the step skips the count (its first group is recorded): it is taken before it fails.
    expect(t.historyAtWrite).toEqual([]);
    expect((await t.history()).map((p) => p.label)).toEqual(['before the groups']);
  });

  it('leaves the count to the instance that took the lease when it loses it creating the groups', async () => {
    const t = await assignment(simulators, {}, { failSecondGroup: new LeaseLostError() });

    await expect(t.run()).rejects.toThrow(LeaseLostError);

    expect((await t.history()).map((p) => p.label)).toEqual([]);
  });
});
