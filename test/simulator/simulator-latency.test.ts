import { GRAPH_LATENCY, LatencyModel } from '../../src/simulator/latency-model';
import { DEMO_PEOPLE, buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { graphCall } from '../support/graph-http';
import { simulatorsPerTest } from '../support/running-simulator';

describe("the simulator answers in Graph's time when asked", () => {
  const simulators = simulatorsPerTest();

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

  it('takes a page of 999 users about a second: each object it returns adds to one request', () => {
    const single = new LatencyModel(7).requestMs();
    expect(new LatencyModel(7).pageMs(999)).toBe(single + 999 * GRAPH_LATENCY.perObjectMs);
    expect(single + 999 * GRAPH_LATENCY.perObjectMs).toBeGreaterThan(900);
  });

  it('holds each answer for a drawn latency in simulated time, a batch once; none unless asked', async () => {
    const { simulator, base } = await simulators.start({
      tenant: buildDemoTenant(),
      timeScale: 1_000,
      latency: { seed: 9 },
    });
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
    const batched = expected.batchMs(3);
    expect(simulator.usage.latencyMs).toBe(single + batched);
    const page = await graphCall(base, 'GET', '/v1.0/users?$top=999');
    const listed = (page.body.value as unknown[]).length;
    expect(simulator.usage.latencyMs).toBe(single + batched + expected.pageMs(listed));
    await simulator.stop();

    const plain = await simulators.start({ tenant: buildDemoTenant() });
    await graphCall(plain.base, 'GET', `/v1.0/users/${DEMO_PEOPLE.sales.id}`);
    expect(plain.simulator.usage.latencyMs).toBe(0);
  });
});
