import { simulatorGraphClient } from '../support/simulator-graph-client';
import type { PlannedGroup } from '../../src/domain/group-plan';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { generateTenant, parseGeneratorSpec } from '../../src/simulator/scenarios/generated-tenant';
import { EMS } from '../fixtures/skus';

const GROUP = '5e1f0a3c-7b2d-4c9e-8f1a-2b3c4d5e6f70';

describe('populating a licensing group, 20 members a write', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  /**
   * A tenant with a reusable licensing group holding `present`, and a plan adding 45 more users to it.
   * Counts the PATCHes Graph answers, by the `$batch` that carried them.
   */
  async function populationOf45(options: { lagMs?: number; present?: number }) {
    const generated = generateTenant(parseGeneratorSpec('users=60,grouped=0%,seed=5'));
    const userIds = generated.users.map((u) => u.id);
    const present = options.present === undefined ? [] : [userIds[options.present]];
    const group = {
      id: GROUP,
      displayName: 'EMS licensing',
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      members: present,
    };
    simulator = new TenantSimulator({
      tenant: { ...generated, groups: [...(generated.groups ?? []), group] },
      ...(options.lagMs ? { replicationLagMs: options.lagMs, slowestReplica: true } : {}),
    });
    const base = await simulator.start();
    const batches: { patches: number[] }[] = [];
    const onBatch: ((index: number) => void)[] = [];
    simulator.onRequest = (method, url) => {
      if (method !== 'POST' || !url.endsWith('/$batch')) return;
      batches.push({ patches: [] });
      onBatch[batches.length - 1]?.(batches.length - 1);
    };
    simulator.onResponse = (method, url, status) => {
      if (method === 'PATCH' && url.includes(`/groups/${GROUP}`))
        batches[batches.length - 1].patches.push(status);
    };
    const planned: PlannedGroup = {
      skuId: EMS,
      skuPartNumber: 'EMS',
      disabledPlans: [],
      displayName: 'EMS licensing',
      mailNickname: 'ems-licensing',
      existingGroupId: GROUP,
      userIds: [...present, ...userIds.slice(10, 55).filter((id) => !present.includes(id))],
      toAdd: 45,
      sampleUserPrincipalNames: [],
    };
    const writer = new GraphGroupWriter(simulatorGraphClient(base), base);
    const populate = (delaysMs: number[]) =>
      populateAndAssign({ groups: [planned], newSeats: {}, warnings: [] }, writer, {
        replication: { delaysMs },
      });
    return { userIds, planned, batches, onBatch, populate, simulator };
  }

  it('reads the members first, then adds 45 in 3 PATCHes; a member not yet replicated is found and added later', async () => {
    const lagMs = 1_000;
    const { userIds, planned, batches, onBatch, populate, simulator } = await populationOf45({
      lagMs,
      present: 3,
    });
    const newcomer = userIds[25];
    // The newcomer is created as the first PATCHes leave: Graph's replica has not seen it yet.
    onBatch[0] = () => simulator.directory.replication!.recordCreated(newcomer);
    const writesBefore = simulator.usage.writes;

    const report = await populate([lagMs + 500]);

    expect(report.failures).toEqual([]);
    const members = simulator.directory.requireGroup(GROUP).members;
    expect(planned.userIds.every((id) => members.has(id))).toBe(true);
    expect(members.size).toBe(46);
    // 45 to add: 3 PATCHes; the one with the newcomer is refused (404) and sent again without it;
    // the newcomer alone once replicated.
    expect(batches.map((b) => b.patches)).toEqual([[404, 204, 204], [204], [204]]);
    expect(simulator.usage.writes - writesBefore).toBe(5);
  });

  it('finds a member someone else added since the read by halving the refused PATCH, and takes it as added', async () => {
    const { userIds, planned, batches, onBatch, populate, simulator } = await populationOf45({});
    const group = simulator.directory.requireGroup(GROUP);
    // Added by another hand between the bot's read of the members and its first PATCH.
    onBatch[0] = () => group.members.add(userIds[22]);
    const writesBefore = simulator.usage.writes;

    const report = await populate([100]);

    expect(report.failures).toEqual([]);
    expect(planned.userIds.every((id) => group.members.has(id))).toBe(true);
    expect(batches[0].patches).toEqual([400, 204, 204]);
    const patches = batches.flatMap((b) => b.patches);
    // Halving 20 down to the one at fault: at most two PATCHes per halving, five halvings.
    expect(patches.length).toBeLessThanOrEqual(3 + 2 * 5);
    expect(simulator.usage.writes - writesBefore).toBe(patches.length);
  });
});
