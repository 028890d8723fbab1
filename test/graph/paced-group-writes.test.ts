import { simulatorGraphClient } from '../support/simulator-graph-client';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { WritePacer, type PacerClock } from '../../src/graph/write-pacer';
import { planGroups } from '../../src/engine/plan-groups';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { reprocessMembersInError } from '../../src/engine/list-license-errors';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { buildTrickyTenant } from '../../src/simulator/scenarios/tricky-tenant';

/** A clock that only moves when the pacer sleeps: minutes of pacing pass in milliseconds. */
function virtualClock(): PacerClock {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

const CEILING = { writes: 40, windowMs: 60_000 };

/** Every write the simulator answered (batch items included), at the pacer's time. */
function countWrites(simulator: TenantSimulator, clock: PacerClock): number[] {
  const at: number[] = [];
  simulator.onResponse = (method, url) => {
    const path = new URL(url, 'https://x').pathname;
    if (method !== 'GET' && !/\/\$batch$|checkMemberGroups$/.test(path)) at.push(clock.now());
  };
  return at;
}

/** The most writes any window of the ceiling's length saw. */
function busiestWindow(at: readonly number[]): number {
  return Math.max(0, ...at.map((t) => at.filter((s) => s > t - CEILING.windowMs && s <= t).length));
}

describe('every write of the assignment step goes through the one pacer', () => {
  let simulator: TenantSimulator;
  let base: string;
  beforeEach(async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100_000 },
    });
    base = await simulator.start();
  });
  afterEach(async () => {
    await simulator.stop();
  });

  const writerWith = (pacer: WritePacer) => {
    const client = simulatorGraphClient(base);
    return { client, writer: new GraphGroupWriter(client, base, pacer) };
  };

  it('never sends more writes in a window than the pacer allows: group creation and license assignment included', async () => {
    const clock = virtualClock();
    const { client, writer } = writerWith(new WritePacer(CEILING, clock));
    const plan = await planGroups(new GraphTenantReader(client));
    const writes = countWrites(simulator, clock);

    const report = await populateAndAssign(plan, writer, { groupKey: 'approval-pace' });

    expect(report.failures).toEqual([]);
    // Two groups created, 1,200 members added 20 a write, two licenses assigned.
    expect(writes.length).toBe(
      plan.groups.length * 2 + plan.groups.reduce((n, g) => n + Math.ceil(g.userIds.length / 20), 0)
    );
    expect(busiestWindow(writes)).toBeLessThanOrEqual(CEILING.writes);
  });

  it('paces reprocessing too', async () => {
    await simulator.stop();
    simulator = new TenantSimulator({ tenant: buildTrickyTenant() });
    base = await simulator.start();
    const clock = virtualClock();
    const { client, writer } = writerWith(new WritePacer({ writes: 1, windowMs: 60_000 }, clock));
    const reprocessed: number[] = [];
    simulator.onResponse = (_method, url) => {
      if (/reprocessLicenseAssignment$/.test(url)) reprocessed.push(clock.now());
    };

    const result = await reprocessMembersInError(new GraphTenantReader(client), writer);

    expect(result.reprocessed).toBeGreaterThanOrEqual(2);
    expect(reprocessed).toHaveLength(result.reprocessed);
    for (let i = 1; i < reprocessed.length; i++)
      expect(reprocessed[i] - reprocessed[i - 1]).toBeGreaterThanOrEqual(60_000);
  });
});
