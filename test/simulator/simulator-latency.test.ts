import { GRAPH_LATENCY, LatencyModel } from '../../src/simulator/latency-model';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { DEMO_PEOPLE, buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { graphCall } from '../support/graph-http';

describe("the simulator answers in Graph's time when asked", () => {
  let simulator: TenantSimulator | null = null;
  afterEach(async () => {
    await simulator?.stop();
    simulator = null;
  });

  it('draws single requests mostly between 90 and 300 ms, the same draws for the same seed', () => {
    const model = new LatencyModel(3);
    const draws = Array.from({ length: 2_000 }, () => model.requestMs());
    const sorted = [...draws].sort((a, b) => a - b);
    const within = draws.filter((ms) => ms >= 90 && ms <= 300).length / draws.length;
    expect(sorted[draws.length / 2]).toBeGreaterThan(140);
    expect(sorted[draws.length / 2]).toBeLessThan(180);
    expect(within).toBeGreaterThan(0.85);
    expect(Math.max(...draws)).toBeLessThanOrEqual(GRAPH_LATENCY.maxMs);
    const again = new LatencyModel(3);
    expect(draws.slice(0, 50)).toEqual(draws.slice(0, 50).map(() => again.requestMs()));
  });

  it('takes a batch as long as its slowest item plus the overhead', () => {
    const items = new LatencyModel(5);
    const slowest = Math.max(...Array.from({ length: 20 }, () => items.requestMs()));
    expect(new LatencyModel(5).batchMs(20)).toBe(slowest + GRAPH_LATENCY.batchOverheadMs);
  });

  it('holds each answer for a drawn latency in simulated time, a batch once; none unless asked', async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timeScale: 1_000,
      latency: { seed: 9 },
    });
    const base = await simulator.start();
    const expected = new LatencyModel(9);
    const user = await graphCall(base, 'GET', `/v1.0/users/${DEMO_PEOPLE.sales.id}`);
    expect(user.status).toBe(200);
    const single = expected.requestMs();
    expect(simulator.usage.latencyMs).toBe(single);
    const requests = ['1', '2', '3'].map((id) => ({
      id,
      method: 'GET',
      url: `/users/${DEMO_PEOPLE.sales.id}`,
    }));
    const batch = await graphCall(base, 'POST', '/v1.0/$batch', { requests });
    expect(batch.body.responses).toHaveLength(3);
    expect(simulator.usage.latencyMs).toBe(single + expected.batchMs(3));
    await simulator.stop();

    simulator = new TenantSimulator({ tenant: buildDemoTenant() });
    const plain = await simulator.start();
    await graphCall(plain, 'GET', `/v1.0/users/${DEMO_PEOPLE.sales.id}`);
    expect(simulator.usage.latencyMs).toBe(0);
  });
});
