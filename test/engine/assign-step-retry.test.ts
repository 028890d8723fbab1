import { simulatorGraphClient } from '../support/simulator-graph-client';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import type { GroupWriter } from '../../src/engine/ports/group-writer';
import { planGroups } from '../../src/engine/plan-groups';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { inPopulationOrder } from '../../src/domain/population-order';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';

describe('a retried assignment step', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('adds only the members still missing: nobody is added twice', async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100_000 },
    });
    const base = await simulator.start();
    const client = simulatorGraphClient(base);
    const plan = await planGroups(new GraphTenantReader(client));
    const graphWriter = new GraphGroupWriter(client, base);
    const adds: string[] = [];
    simulator.onResponse = (method, url) => {
      if (method === 'PATCH' && /\/groups\/[^/]+$/.test(url)) adds.push(url);
    };
    // The first attempt adds every member, then fails on the last filled group's license assignment.
    const lastGroup = inPopulationOrder(plan.groups).at(-1)?.displayName ?? '';
    const known: Record<string, string> = {};
    const failing: GroupWriter = {
      ...bind(graphWriter),
      assignGroupLicense: async (groupId, skuId, plans) => {
        if (groupId === known[lastGroup]) throw new Error('Graph answered 503');
        return graphWriter.assignGroupLicense(groupId, skuId, plans);
      },
    };
    const first = await populateAndAssign(plan, failing, {
      groupKey: 'approval-retry',
      onGroupReady: async (name, id) => {
        known[name] = id;
      },
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    // Every member added, 20 per request.
    const planned = plan.groups.reduce((n, g) => n + Math.ceil(g.userIds.length / 20), 0);
    expect(adds).toHaveLength(planned);

    adds.length = 0;
    const retried = await populateAndAssign(plan, graphWriter, {
      groupKey: 'approval-retry',
      knownGroupIds: known,
    });

    expect(adds).toEqual([]);
    expect(retried.failures).toEqual([]);
    for (const group of plan.groups) {
      const members = simulator.directory.requireGroup(known[group.displayName]).members;
      for (const userId of group.userIds) expect(members.has(userId)).toBe(true);
    }
    expect(simulator.directory.requireGroup(known[lastGroup]).licenses.size).toBe(1);
  });
});

/** The writer's methods, bound, so one of them can be replaced. */
function bind(writer: GraphGroupWriter): GroupWriter {
  return {
    createSecurityGroup: (...a) => writer.createSecurityGroup(...a),
    groupsByMailNickname: (...a) => writer.groupsByMailNickname(...a),
    memberIds: (...a) => writer.memberIds(...a),
    addMembers: (...a) => writer.addMembers(...a),
    assignGroupLicense: (...a) => writer.assignGroupLicense(...a),
    processingState: (...a) => writer.processingState(...a),
    processingFinishedSince: (...a) => writer.processingFinishedSince(...a),
    membersProcessed: (...a) => writer.membersProcessed(...a),
    reprocessUser: (...a) => writer.reprocessUser(...a),
  };
}
