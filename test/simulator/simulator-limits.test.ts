import { TenantSimulator } from '../../src/simulator/simulator-server';
import { DEMO_PEOPLE, buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { SimulatedClock } from '../../src/simulator/simulated-clock';
import { Throttle, WRITE_QUOTA } from '../../src/simulator/throttling';
import { parseFaultSpec } from '../../src/simulator/fault-injection';
import { graphCall } from '../support/graph-http';
import { expectGraphShape } from '../support/graph-schema';
import { EMS, OFFICE_E3 } from '../fixtures/skus';

describe("the simulator enforces Graph's limits", () => {
  let simulator: TenantSimulator | null = null;
  afterEach(async () => {
    await simulator?.stop();
    simulator = null;
  });

  /** Sends batches of 20 user updates until one is throttled; returns what was accepted and the first 429. */
  async function writeUntilThrottled(timeScale: number) {
    simulator = new TenantSimulator({ tenant: buildDemoTenant(), timeScale });
    const base = await simulator.start();
    const requests = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      method: 'PATCH',
      url: `/users/${DEMO_PEOPLE.sales.id}`,
      headers: { 'Content-Type': 'application/json' },
      body: { department: 'Sales' },
    }));
    let throttled: { status: number; headers: Record<string, string>; body: unknown } | undefined;
    let accepted = 0;
    for (let batch = 0; batch < WRITE_QUOTA / 20 + 50 && !throttled; batch++) {
      const answer = await graphCall(base, 'POST', '/v1.0/$batch', { requests });
      expect(answer.status).toBe(200);
      for (const response of answer.body.responses) {
        if (response.status === 204) accepted++;
        else if (response.status === 429 && !throttled) throttled = response;
      }
    }
    await simulator.stop();
    simulator = null;
    return { accepted, throttled };
  }

  it('throttles writes past 3,000 per 2.5 minutes with 429, Retry-After and the throttle headers', async () => {
    // Time nearly stands still, so no write is refilled while the test runs, however slow the machine.
    const { accepted, throttled } = await writeUntilThrottled(0.001);
    expect(accepted).toBeGreaterThanOrEqual(WRITE_QUOTA);
    expect(accepted).toBeLessThan(WRITE_QUOTA + 20);
    expect(throttled?.headers['x-ms-throttle-information']).toBe('WriteLimitExceeded');
    expect(Number(throttled?.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled?.headers['x-ms-throttle-scope']).toMatch(/^Tenant_Application\/ReadWrite\//);
    expectGraphShape(throttled?.body, 'graphErrorResponse');
  }, 60_000);

  it('refills writes at 20 a second of simulated time, and says exactly when the next one fits', () => {
    let now = 0;
    const throttle = new Throttle(() => now, 8_000);
    for (let i = 0; i < WRITE_QUOTA; i++)
      expect(throttle.charge({ resourceUnits: 1, writes: 1 }).allowed).toBe(true);
    const refused = throttle.charge({ resourceUnits: 1, writes: 1 });
    expect(refused).toMatchObject({
      allowed: false,
      information: 'WriteLimitExceeded',
      retryAfterSimulatedMs: 50,
    });
    now = 50;
    expect(throttle.charge({ resourceUnits: 1, writes: 1 }).allowed).toBe(true);
  });

  it('converts simulated waits to real time by the time scale', () => {
    const clock = new SimulatedClock(60);
    expect(clock.toRealMs(60_000)).toBe(1_000);
    expect(() => new SimulatedClock(0)).toThrow(/positive/);
  });

  describe('$batch', () => {
    it('runs up to 20 requests, each with its own status, and fails dependants of a failed request with 424', async () => {
      simulator = new TenantSimulator({ tenant: buildDemoTenant() });
      const base = await simulator.start();
      const answer = await graphCall(base, 'POST', '/v1.0/$batch', {
        requests: [
          { id: '1', method: 'GET', url: `/users/${DEMO_PEOPLE.admin.id}?$select=id` },
          {
            id: '2',
            method: 'POST',
            url: `/users/${DEMO_PEOPLE.sales.id}/assignLicense`,
            headers: { 'Content-Type': 'application/json' },
            body: { addLicenses: [], removeLicenses: [OFFICE_E3] },
          },
          {
            id: '3',
            method: 'POST',
            url: `/users/${DEMO_PEOPLE.sales.id}/assignLicense`,
            dependsOn: ['2'],
            headers: { 'Content-Type': 'application/json' },
            body: { addLicenses: [], removeLicenses: [EMS] },
          },
          { id: '4', method: 'GET', url: '/users/nobody-here' },
        ],
      });
      expect(answer.status).toBe(200);
      const byId = Object.fromEntries(answer.body.responses.map((r: { id: string }) => [r.id, r]));
      expect(byId['1']).toMatchObject({ status: 200, body: { id: DEMO_PEOPLE.admin.id } });
      expect(byId['2'].status).toBe(400);
      expect(byId['2'].body.error.message).toBe('User does not have a corresponding license.');
      expect(byId['3'].status).toBe(424);
      expect(byId['4'].status).toBe(404);
      // The dependent removal never ran: the user still has EMS.
      const user = await graphCall(
        base,
        'GET',
        `/v1.0/users/${DEMO_PEOPLE.sales.id}?$select=assignedLicenses`
      );
      expect(user.body.assignedLicenses.map((l: { skuId: string }) => l.skuId)).toEqual([EMS]);
    });

    it.each([
      [
        {
          requests: Array.from({ length: 21 }, (_, i) => ({
            id: String(i),
            method: 'GET',
            url: '/users',
          })),
        },
        /exceeds the maximum of 20/,
      ],
      [
        {
          requests: [
            { id: 'a', method: 'GET', url: '/users' },
            { id: 'A', method: 'GET', url: '/users' },
          ],
        },
        /duplicate request id/,
      ],
      [{ nothing: true }, /requests is required/],
    ])('refuses a malformed batch whole with 400', async (body, message) => {
      simulator = new TenantSimulator({ tenant: buildDemoTenant() });
      const base = await simulator.start();
      const answer = await graphCall(base, 'POST', '/v1.0/$batch', body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(message);
    });
  });

  it('requires ConsistencyLevel: eventual for $count', async () => {
    simulator = new TenantSimulator({ tenant: buildDemoTenant() });
    const base = await simulator.start();
    expect((await graphCall(base, 'GET', '/v1.0/users?$count=true&$select=id')).status).toBe(400);
    const counted = await graphCall(
      base,
      'GET',
      '/v1.0/users?$count=true&$select=id',
      undefined,
      undefined,
      { ConsistencyLevel: 'eventual' }
    );
    expect(counted.body['@odata.count']).toBe(1000);
  });

  describe('injected faults', () => {
    it('answers the chosen share of requests with the fault, repeatably for a seed', async () => {
      const statuses = async () => {
        const sim = new TenantSimulator({ tenant: buildDemoTenant(), faults: '503:30%,seed=7' });
        const base = await sim.start();
        const result: number[] = [];
        for (let i = 0; i < 40; i++)
          result.push((await graphCall(base, 'GET', '/v1.0/organization')).status);
        await sim.stop();
        return result;
      };
      const first = await statuses();
      expect(first.filter((s) => s === 503).length).toBeGreaterThan(4);
      expect(first.filter((s) => s === 200).length).toBeGreaterThan(15);
      expect(await statuses()).toEqual(first);
    });

    it('loses the response of a change that was made ("lost"), as a real timeout can', async () => {
      simulator = new TenantSimulator({ tenant: buildDemoTenant(), faults: 'lost:100%' });
      const base = await simulator.start();
      const answer = await graphCall(
        base,
        'POST',
        `/v1.0/users/${DEMO_PEOPLE.sales.id}/assignLicense`,
        { addLicenses: [], removeLicenses: [EMS] }
      );
      expect(answer.status).toBe(504);
      const user = simulator.directory.findUser(DEMO_PEOPLE.sales.id);
      expect(user?.directLicenses.has(EMS)).toBe(false);
    });

    it('delays answers and limits faults to a path pattern', async () => {
      simulator = new TenantSimulator({
        tenant: buildDemoTenant(),
        faults: 'latency=1000ms:100%,503:0%,path=/organization$',
      });
      const base = await simulator.start();
      const started = Date.now();
      expect((await graphCall(base, 'GET', '/v1.0/organization')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      const quick = Date.now();
      expect((await graphCall(base, 'GET', '/v1.0/subscribedSkus')).status).toBe(200);
      expect(Date.now() - quick).toBeLessThan(950);
    });

    it.each([
      '503',
      '418:5%',
      '503:150%',
      '503:60%,504:60%',
      'wobble:1%',
      'path=(',
      'latency=fast:5%',
    ])('refuses the fault spec "%s" with a reason', (spec) => {
      expect(() => parseFaultSpec(spec)).toThrow();
    });
  });
});
