import { simulatorGraphClient } from '../support/simulator-graph-client';
import { planGroups } from '../../src/engine/plan-groups';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import type { FixtureGroup, TenantFixture } from '../../src/simulator/tenant-fixture';

/**
 * Contoso with licensing groups the bot cannot change: EMS from a group synced from on-premises AD that
 * holds only half of the people with EMS directly, and Office 365 E3 from a dynamic group that holds
 * exactly Finance (everyone with E3 directly).
 */
function tenantWithUnchangeableGroups(extra: Partial<FixtureGroup> = {}): TenantFixture {
  const demo = buildDemoTenant();
  const direct = (skuPart: string) =>
    demo.users.filter((u) =>
      (u.licenses ?? []).some(
        (l) => demo.subscribedSkus.find((s) => s.skuId === l.skuId)?.skuPartNumber === skuPart
      )
    );
  const license = (skuPart: string) => {
    const holder = direct(skuPart)[0];
    return (holder.licenses ?? []).filter(
      (l) => demo.subscribedSkus.find((s) => s.skuId === l.skuId)?.skuPartNumber === skuPart
    );
  };
  const ems = direct('EMS');
  return {
    ...demo,
    groups: [
      ...(demo.groups ?? []),
      {
        id: '0e5f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        displayName: 'EMS (synced from AD)',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        onPremisesSyncEnabled: true,
        members: ems.slice(0, Math.floor(ems.length / 2)).map((u) => u.id),
        licenses: license('EMS'),
        ...extra,
      },
      {
        id: '1f6a2b3c-4d5e-4f6a-9b0c-1d2e3f4a5b6c',
        displayName: 'Finance (dynamic)',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: ['DynamicMembership'],
        membershipRule: 'user.department -eq "Finance"',
        members: direct('ENTERPRISEPACK').map((u) => u.id),
        licenses: license('ENTERPRISEPACK'),
      },
    ],
  };
}

describe('licensing groups the bot cannot change', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  async function start(tenant: TenantFixture) {
    simulator = new TenantSimulator({
      tenant,
      timings: { queuedMs: 10, usersPerSecond: 100_000 },
    });
    const base = await simulator.start();
    const client = simulatorGraphClient(base);
    return { reader: new GraphTenantReader(client), writer: new GraphGroupWriter(client, base) };
  }

  it('the simulator refuses member changes to synced, dynamic and role-assignable groups as Entra does', async () => {
    await start(tenantWithUnchangeableGroups());
    const groups = [...simulator.directory.groups.values()];
    const synced = groups.find((g) => g.onPremisesSyncEnabled)!;
    const dynamic = groups.find((g) => g.groupTypes.includes('DynamicMembership'))!;
    const someone = [...simulator.directory.users.keys()].find(
      (id) => !synced.members.has(id) && !dynamic.members.has(id)
    )!;
    const add = (groupId: string) =>
      fetchJson(`/groups/${groupId}/members/$ref`, 'POST', {
        '@odata.id': `${simulator.baseUrl}/v1.0/directoryObjects/${someone}`,
      });
    expect(await add(synced.id)).toMatchObject({ status: 400, code: 'Request_BadRequest' });
    expect((await add(synced.id)).message).toContain('on-premises mastered');
    expect(await add(dynamic.id)).toMatchObject({ status: 400, code: 'Request_BadRequest' });
    const member = [...synced.members][0];
    expect(await fetchJson(`/groups/${synced.id}/members/${member}/$ref`, 'DELETE')).toMatchObject({
      status: 400,
    });
    synced.onPremisesSyncEnabled = false;
    synced.isAssignableToRole = true;
    expect(await add(synced.id)).toMatchObject({
      status: 403,
      code: 'Authorization_RequestDenied',
    });
  });

  it('plan passes over a synced group that lacks users, reuses a dynamic group that holds them all, and assign adds nobody in vain', async () => {
    const { reader, writer } = await start(tenantWithUnchangeableGroups());
    const plan = await planGroups(reader);

    const ems = plan.groups.find((g) => g.skuPartNumber === 'EMS')!;
    expect(ems.existingGroupId).toBeNull();
    expect(ems.toAdd).toBe(ems.userIds.length);
    const e3 = plan.groups.find((g) => g.skuPartNumber === 'ENTERPRISEPACK')!;
    expect(e3).toMatchObject({ displayName: 'Finance (dynamic)', toAdd: 0 });
    expect(e3.reusedAsIs).toContain('dynamic membership rule');
    expect(plan.warnings.join('\n')).toMatch(/EMS \(synced from AD\) is not reused: it is synced/);
    expect(plan.warnings.join('\n')).toMatch(/Finance \(dynamic\) is reused as it is/);

    // What `assign` sends: groups to create, or existing groups that lack members.
    const toAssign = plan.groups.filter((g) => g.existingGroupId === null || g.toAdd > 0);
    const report = await populateAndAssign({ ...plan, groups: toAssign }, writer);
    expect(report.failures).toEqual([]);
  });

  it('a role-assignable group that lacks users is not reused either', async () => {
    const { reader } = await start(
      tenantWithUnchangeableGroups({ onPremisesSyncEnabled: false, isAssignableToRole: true })
    );
    const ems = (await planGroups(reader)).groups.find((g) => g.skuPartNumber === 'EMS')!;
    expect(ems.existingGroupId).toBeNull();
  });

  async function fetchJson(
    path: string,
    method: string,
    body?: unknown
  ): Promise<{ status: number; code?: string; message?: string }> {
    const client = simulatorGraphClient(simulator.baseUrl);
    try {
      const request = client.api(path);
      if (method === 'POST') await request.post(body);
      else await request.delete();
      return { status: 204 };
    } catch (error) {
      const e = error as { statusCode: number; code: string; message: string };
      return { status: e.statusCode, code: e.code, message: e.message };
    }
  }
});
