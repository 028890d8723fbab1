import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { simulatorGraphClient } from '../support/simulator-graph-client';

/**
 * A read of the whole tenant (inventory, plan, verify, report) runs beside every other turn: deciding a
 * page of 999 users at once would hold them all back. The reader lets the event loop take turns within
 * a page.
 */
describe('reading every user leaves the event loop its turns', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('visits at most 250 users between two turns of the event loop, and every user once', async () => {
    simulator = new TenantSimulator({ tenant: buildDemoTenant() });
    const reader = new GraphTenantReader(simulatorGraphClient(await simulator.start()));
    let sinceLastTurn = 0;
    let most = 0;
    let reading = true;
    const turn = () => {
      sinceLastTurn = 0;
      if (reading) setImmediate(turn);
    };
    setImmediate(turn);
    const seen = new Set<string>();

    await reader.forEachUser((user) => {
      seen.add(user.id);
      most = Math.max(most, ++sinceLastTurn);
    });
    reading = false;

    expect(seen.size).toBe(simulator.directory.users.size);
    expect(most).toBeLessThanOrEqual(250);
  });
});
