import { simulatorGraphClient } from '../support/simulator-graph-client';
import { GraphBatch } from '../../src/graph/graph-batch';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';

/**
 * Microsoft's throttling page: when a request in a batch is throttled, "the batch itself fails with a
 * status code of 424 (Failed Dependency)" while the body still carries each item's answer. The bot reads
 * such an answer item by item, and sends the throttled items again after their Retry-After.
 */
describe('a $batch answered 424 because an item in it was throttled', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('is read item by item: every user is read, the throttled ones after their Retry-After', async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      throttledBatchStatus: 424,
      faults: '429:40%,path=^/v1\\.0/users/,seed=3',
    });
    const base = await simulator.start();
    const client = simulatorGraphClient(base);
    const outer: number[] = [];
    simulator.onResponse = (_method, url, status) => {
      if (/\/\$batch$/.test(url)) outer.push(status);
    };
    const waits: number[] = [];
    const batch = new GraphBatch(client, base, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const ids = [...simulator.directory.users.keys()].slice(0, 20);

    const answers = await batch.send(
      ids.map((id) => ({ id, method: 'GET', path: `/users/${id}?$select=id` }))
    );

    expect(outer).toContain(424);
    expect(waits.length).toBeGreaterThan(0);
    for (const id of ids) expect(answers.get(id)).toEqual(expect.objectContaining({ id }));
  });
});
