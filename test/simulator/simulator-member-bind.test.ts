import { TenantSimulator } from '../../src/simulator/simulator-server';
import { generateTenant, parseGeneratorSpec } from '../../src/simulator/scenarios/generated-tenant';
import { graphCall } from '../support/graph-http';
import { expectGraphShape } from '../support/graph-schema';

const link = (id: string) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`;

describe('the simulator adds up to 20 members in one PATCH, as Graph does', () => {
  let simulator: TenantSimulator | null = null;
  afterEach(async () => {
    await simulator?.stop();
    simulator = null;
  });

  /** A simulator with 60 users (or more) and an empty security group; returns what the tests need. */
  async function tenantWithEmptyGroup(options: { replicationLagMs?: number; users?: number } = {}) {
    simulator = new TenantSimulator({
      tenant: generateTenant(parseGeneratorSpec(`users=${options.users ?? 60},grouped=0%,seed=3`)),
      timeScale: 100,
      ...(options.replicationLagMs
        ? { replicationLagMs: options.replicationLagMs, slowestReplica: true }
        : {}),
    });
    const base = await simulator.start();
    const group = simulator.directory.groups.get(
      (
        await graphCall(base, 'POST', '/v1.0/groups', {
          displayName: 'Bind target',
          mailNickname: 'bind-target',
          mailEnabled: false,
          securityEnabled: true,
        })
      ).body.id
    )!;
    const userIds = [...simulator.directory.users.keys()];
    const patch = (ids: readonly string[]) =>
      graphCall(base, 'PATCH', `/v1.0/groups/${group.id}`, { 'members@odata.bind': ids.map(link) });
    return { base, group, userIds, patch, simulator };
  }

  it('adds 20 members with one request, counted as one write', async () => {
    const { group, userIds, patch, simulator } = await tenantWithEmptyGroup();
    const writesBefore = simulator.usage.writes;
    const answer = await patch(userIds.slice(0, 20));
    expect(answer.status).toBe(204);
    expect([...group.members].sort()).toEqual(userIds.slice(0, 20).sort());
    expect(simulator.usage.writes - writesBefore).toBe(1);
  });

  it('refuses 21 links with 400 and adds nobody', async () => {
    const { group, userIds, patch } = await tenantWithEmptyGroup();
    const answer = await patch(userIds.slice(0, 21));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('A resource cannot contain more than 20 link changes');
    expectGraphShape(answer.body, 'graphErrorResponse');
    expect(group.members.size).toBe(0);
  });

  it('adds nobody when one of the 20 is already a member, or does not exist', async () => {
    const { group, userIds, patch } = await tenantWithEmptyGroup();
    group.members.add(userIds[7]);
    const present = await patch(userIds.slice(0, 20));
    expect(present.status).toBe(400);
    expect(present.body.error.message).toMatch(/added object references already exist/);
    expectGraphShape(present.body, 'graphErrorResponse');
    expect([...group.members]).toEqual([userIds[7]]);

    const nobody = '0b0e1c9a-5d1e-4f6a-9a4b-3c2d1e0f9a8b';
    const unknown = await patch([...userIds.slice(20, 30), nobody]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'Request_ResourceNotFound' });
    expect(unknown.body.error.message).toContain(nobody);
    expectGraphShape(unknown.body, 'graphErrorResponse');
    expect(group.members.size).toBe(1);
  });

  it('refuses the whole request while a bound user is not yet replicated, and takes it once it is', async () => {
    const lagMs = 2_000;
    const { group, userIds, patch, simulator } = await tenantWithEmptyGroup({
      replicationLagMs: lagMs,
    });
    // The group was just created too: wait until every replica has it, then make one user new.
    await new Promise((resolve) => setTimeout(resolve, simulator.clock.toRealMs(lagMs) + 20));
    const newcomer = userIds[3];
    simulator.directory.replication!.recordCreated(newcomer);
    const early = await patch(userIds.slice(0, 10));
    expect(early.status).toBe(404);
    expect(early.body.error.message).toContain(newcomer);
    expect(group.members.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, simulator.clock.toRealMs(lagMs) + 20));
    expect((await patch(userIds.slice(0, 10))).status).toBe(204);
    expect(group.members.size).toBe(10);
  });

  it('runs 20 such PATCHes in one $batch: 400 members, one request, 20 writes', async () => {
    const { base, group, userIds: ids, simulator } = await tenantWithEmptyGroup({ users: 400 });
    let requests = 0;
    simulator.onRequest = () => (requests += 1);
    const writesBefore = simulator.usage.writes;
    const answer = await graphCall(base, 'POST', '/v1.0/$batch', {
      requests: Array.from({ length: 20 }, (_, i) => ({
        id: String(i),
        method: 'PATCH',
        url: `/groups/${group.id}`,
        headers: { 'Content-Type': 'application/json' },
        body: { 'members@odata.bind': ids.slice(i * 20, i * 20 + 20).map(link) },
      })),
    });
    expect(answer.body.responses.map((r: { status: number }) => r.status)).toEqual(
      Array(20).fill(204)
    );
    expect(group.members.size).toBe(400);
    expect(requests).toBe(1);
    expect(simulator.usage.writes - writesBefore).toBe(20);
  });
});
