import { simulatorGraphClient } from '../support/simulator-graph-client';
import { inFlightRemovals } from '../../src/domain/journal';
import { readBackDelaysFor } from '../../src/domain/read-freshness';
import type { DirectoryWriter } from '../../src/engine/directory-writer';
import { executeWave } from '../../src/engine/execute-wave';
import { rollbackWave } from '../../src/engine/rollback-wave';
import { planGroups } from '../../src/engine/plan-groups';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import type { GraphDirectoryWriter } from '../../src/graph/graph-directory-writer';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { buildTrickyTenant } from '../../src/simulator/scenarios/tricky-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { approve, planWavesOn } from '../support/wave-harness';

// Reads lag a minute of simulated time behind writes: 0.6 s of real time at this scale. Every read is
// served by the replica furthest behind, so a read right after a write is stale every time.
const LAG = { replicationLagMs: 60_000, slowestReplica: true, timeScale: 100 };
const LAG_REAL_MS = 600;

/**
 * A writer whose process dies right after the first round trip of removals reached Graph, before it
 * reads them back; and the users whose removals were sent.
 */
function dyingAfterRemovals(writer: GraphDirectoryWriter) {
  let dead = false;
  const removed = new Set<string>();
  const dying: DirectoryWriter = {
    readUser: async (id) => {
      if (dead) throw new Error('process killed');
      return writer.readUser(id);
    },
    restoreDirectLicense: () => Promise.reject(new Error('process killed')),
    removeDirectLicensesForUsers: async (items) => {
      const answers = await writer.removeDirectLicensesForUsers(items);
      for (const { userId } of items) removed.add(userId);
      dead = true;
      return answers;
    },
    removeDirectLicenses: () => Promise.reject(new Error('process killed')),
    readUsers: async (ids) => {
      if (dead) throw new Error('process killed');
      return writer.readUsers(ids);
    },
  };
  return { dying, removed };
}

describe('Entra ID answers from replicas that lag behind writes', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('a removal read back from a lagging replica is not journaled failed: the wave runs through and rollback puts everyone back', async () => {
    simulator = new TenantSimulator({ tenant: buildTrickyTenant(), ...LAG });
    const base = await simulator.start();
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);

    const report = await executeWave(waves[0], context, writer, journal);

    expect(report.failed).toEqual([]);
    expect(report.stoppedBecause).toBeNull();
    expect(report.removed.length).toBeGreaterThan(0);
    const outcomes = (await journal.entries()).flatMap((e) =>
      e.kind === 'removal-outcome' ? [e.outcome] : []
    );
    // The first read back was stale: journaled "unknown, re-checking", then settled from a fresh read.
    expect(outcomes).toContain('unknown');
    expect(outcomes.filter((o) => o === 'removed')).toHaveLength(report.removed.length);

    const rollback = await rollbackWave(waves[0].digest, writer, journal);
    expect(rollback.restored).toHaveLength(report.removed.length);
    for (const { userId, skuId } of report.removed)
      expect(simulator.directory.findUser(userId)?.directLicenses.has(skuId)).toBe(true);
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
  });

  it('after a crash between sending removals and reading them back, a stale read does not journal them failed nor send them again', async () => {
    simulator = new TenantSimulator({ tenant: buildTrickyTenant(), ...LAG });
    const base = await simulator.start();
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);
    const { dying, removed } = dyingAfterRemovals(writer);
    const crashed = await executeWave(waves[0], context, dying, journal);
    expect(crashed.stoppedBecause).toContain('will reconcile');
    expect(removed.size).toBeGreaterThan(0);

    // Restarted at once: every replica answering is still behind the removals.
    let resent = 0;
    const restarted: DirectoryWriter = {
      readUser: (id) => writer.readUser(id),
      restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
      removeDirectLicenses: async (id, skus) => {
        resent++;
        await writer.removeDirectLicenses(id, skus);
      },
    };
    const report = await executeWave(waves[0], context, restarted, journal, {
      readBack: { delaysMs: readBackDelaysFor(LAG_REAL_MS + 100) },
    });

    const entries = await journal.entries();
    const intentUser = new Map(
      entries.flatMap((e) => (e.kind === 'removal-intended' ? [[e.id, e.userId]] : []))
    );
    const failed = entries.flatMap((e) =>
      e.kind === 'removal-outcome' && e.outcome === 'failed' ? [intentUser.get(e.intentId)] : []
    );
    expect(failed).toEqual([]);
    expect(resent).toBe(0);
    expect(report.removed).toEqual([]);
    expect(report.stoppedBecause).toBeNull();
    expect(inFlightRemovals(entries)).toEqual([]);
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
  });

  it('a rollback right after a crash mid-wave puts back removals a lagging replica does not show yet', async () => {
    simulator = new TenantSimulator({ tenant: buildTrickyTenant(), ...LAG });
    const base = await simulator.start();
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);
    const { dying, removed } = dyingAfterRemovals(writer);
    await executeWave(waves[0], context, dying, journal);

    const rollback = await rollbackWave(waves[0].digest, writer, journal, {
      readBack: { delaysMs: readBackDelaysFor(LAG_REAL_MS + 100) },
    });

    expect(rollback.failed).toEqual([]);
    expect(new Set(rollback.restored.map((r) => r.userId))).toEqual(removed);
    for (const intent of inFlightRemovals(await journal.entries())) expect(intent).toBeUndefined();
    for (const userId of removed)
      for (const entry of waves[0].entries.filter((e) => e.userId === userId))
        expect(simulator.directory.findUser(userId)?.directLicenses.has(entry.skuId)).toBe(true);
  });

  it('members of a group just created are all added, though the group is "not found" until it replicates', async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100_000 },
      ...LAG,
    });
    const base = await simulator.start();
    const client = simulatorGraphClient(base);
    const plan = await planGroups(new GraphTenantReader(client));

    const report = await populateAndAssign(plan, new GraphGroupWriter(client, base), {
      groupKey: 'approval-16',
    });

    expect(report.failures).toEqual([]);
    for (const planned of plan.groups) {
      const group = [...simulator.directory.groups.values()].find(
        (g) => g.displayName === planned.displayName
      );
      for (const userId of planned.userIds) expect(group?.members.has(userId)).toBe(true);
      expect(group?.licenses.has(planned.skuId)).toBe(true);
    }
  });
});
