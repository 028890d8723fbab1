import { simulatorGraphClient } from '../support/simulator-graph-client';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { readBackDelaysFor } from '../../src/domain/read-freshness';
import type { GroupPlan } from '../../src/domain/group-plan';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { waitForProcessing } from '../../src/engine/wait-for-processing';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { TRICKY_GROUPS, buildTrickyTenant } from '../../src/simulator/scenarios/tricky-tenant';

const TIME_SCALE = 10;
const LAG_MS = 10_000;

/**
 * A reused group already reads ProcessingComplete; adding members queues it again, but a replica that has
 * not seen the adds still says complete. The wait counts ProcessingComplete only from a read made the
 * replication-lag bound after the last add, so it ends when the new members really are licensed.
 */
describe('waiting for processing of a reused group, on lagging replicas', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('does not take a stale ProcessingComplete for done: every member added is licensed when the wait ends', async () => {
    simulator = new TenantSimulator({
      tenant: buildTrickyTenant(),
      timeScale: TIME_SCALE,
      replicationLagMs: LAG_MS,
      slowestReplica: true,
      timings: { queuedMs: 4_000, usersPerSecond: 100_000 },
    });
    const base = await simulator.start();
    const client = simulatorGraphClient(base);
    // The simulator's clock; a wait of simulated ms takes that much divided by the time scale.
    const clock = {
      now: () => simulator.clock.now(),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms / TIME_SCALE)),
    };
    const group = simulator.directory.requireGroup(TRICKY_GROUPS.e3);
    const [skuId, license] = [...group.licenses][0];
    const newcomers = [...simulator.directory.users.values()]
      .filter((u) => !group.members.has(u.id))
      .slice(0, 3)
      .map((u) => u.id);
    const plan: GroupPlan = {
      groups: [
        {
          skuId,
          skuPartNumber: 'ENTERPRISEPACK',
          disabledPlans: license.disabledPlans,
          displayName: group.displayName,
          mailNickname: group.mailNickname,
          existingGroupId: group.id,
          userIds: newcomers,
          toAdd: newcomers.length,
          sampleUserPrincipalNames: [],
        },
      ],
      newSeats: {},
      warnings: [],
    };
    const writer = new GraphGroupWriter(client, base);
    const readBack = { delaysMs: readBackDelaysFor(LAG_MS), ...clock };

    const report = await populateAndAssign(plan, writer, { replication: readBack });
    const wait = await waitForProcessing([group.id], writer, {
      lastWriteAt: report.lastWriteAt,
      lagBoundMs: LAG_MS,
      pollMs: 1_000,
      ...clock,
    });

    expect(wait.complete).toBe(true);
    for (const userId of newcomers)
      expect(group.applied.get(userId)?.map((row) => row.skuId)).toEqual([skuId]);
  });
});
