import { simulatorGraphClient } from '../support/simulator-graph-client';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { listLicenseErrors, reprocessMembersInError } from '../../src/engine/list-license-errors';
import { buildTrickyTenant, trickyUserId } from '../../src/simulator/scenarios/tricky-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';

describe('members in license error, once the cause is fixed', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('are processed again on request and leave the error list; nobody else is touched', async () => {
    simulator = new TenantSimulator({ tenant: buildTrickyTenant() });
    const baseUrl = await simulator.start();
    const client = simulatorGraphClient(baseUrl);
    const reader = new GraphTenantReader(client);
    const inError = trickyUserId('group-license-in-error-count');
    const before = await listLicenseErrors(reader);
    expect(before.map((r) => [r.userId, r.error])).toContainEqual([inError, 'CountViolation']);

    // The admin buys a seat for each member in error.
    for (const row of before) {
      const sku = simulator.directory.skus.get(row.skuId)!;
      simulator.directory.skus.set(row.skuId, { ...sku, prepaidUnits: sku.prepaidUnits + 1 });
    }
    const reprocessed: string[] = [];
    simulator.onRequest = (method, url) => {
      const user = /\/users\/([^/]+)\/reprocessLicenseAssignment/.exec(url)?.[1];
      if (method === 'POST' && user) reprocessed.push(user);
    };
    const result = await reprocessMembersInError(reader, new GraphGroupWriter(client, baseUrl));
    expect(result.failed).toEqual([]);
    expect(reprocessed.sort()).toEqual([...new Set(before.map((r) => r.userId))].sort());
    expect((await listLicenseErrors(reader)).map((r) => r.userId)).not.toContain(inError);
  });
});
