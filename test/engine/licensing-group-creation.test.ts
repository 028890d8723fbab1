import { simulatorGraphClient } from '../support/simulator-graph-client';
import { planGroups } from '../../src/engine/plan-groups';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { inPopulationOrder } from '../../src/domain/population-order';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';

const APPROVAL_ID = '3f2a9c1e-7b44-4d0a-9e61-0c5d2b8f7a10';

describe('creating the licensing groups', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('after a crash between creating a group and recording it, the resumed assignment reuses that group: one group exists', async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100_000 },
    });
    const base = await simulator.start();
    const client = simulatorGraphClient(base);
    const writer = new GraphGroupWriter(client, base);
    const plan = await planGroups(new GraphTenantReader(client));
    const planned = plan.groups.filter((g) => g.existingGroupId === null);
    // The first group filled is a new one: the crash comes right after it is created.
    const first = inPopulationOrder(plan.groups)[0];
    expect(first.existingGroupId).toBeNull();
    const groupsNamed = (name: string) =>
      [...simulator.directory.groups.values()].filter((g) => g.displayName === name);

    // The group is created, and the process stops before its id is recorded.
    const crashed = await populateAndAssign(plan, writer, {
      groupKey: APPROVAL_ID,
      onGroupReady: () => Promise.reject(new Error('the process stopped')),
    }).catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(Error);
    const createdBefore = groupsNamed(first.displayName).map((g) => g.id);
    expect(createdBefore).toHaveLength(1);

    // The resumed run (this instance after a restart, or another after a lease change) knows no id.
    const resumed = await populateAndAssign(plan, writer, { groupKey: APPROVAL_ID });

    for (const group of planned) expect(groupsNamed(group.displayName)).toHaveLength(1);
    expect(resumed.groups.find((g) => g.displayName === first.displayName)?.groupId).toBe(
      createdBefore[0]
    );
  });
});
