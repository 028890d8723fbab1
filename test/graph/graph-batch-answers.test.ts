import { simulatorGraphClient } from '../support/simulator-graph-client';
import { GraphBatch } from '../../src/graph/graph-batch';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';

/** Web Requests and Responses built while `work` runs (fetch's own are not counted). */
async function webObjectsBuiltDuring(work: () => Promise<unknown>): Promise<number> {
  const { Request: request, Response: response } = globalThis;
  let built = 0;
  globalThis.Request = class extends request {
    constructor(...args: ConstructorParameters<typeof Request>) {
      super(...args);
      built++;
    }
  };
  globalThis.Response = class extends response {
    constructor(...args: ConstructorParameters<typeof Response>) {
      super(...args);
      built++;
    }
  };
  try {
    await work();
  } finally {
    globalThis.Request = request;
    globalThis.Response = response;
  }
  return built;
}

describe('a $batch of 20 as a wave sends it', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  it('answers each item with its JSON body or its error, parsed once, without a web Request or Response per item', async () => {
    simulator = new TenantSimulator({ tenant: buildDemoTenant() });
    const base = await simulator.start();
    const batch = new GraphBatch(simulatorGraphClient(base), base);
    const ids = [...simulator.directory.users.keys()].slice(0, 19);
    const items = [
      ...ids.map((id) => ({ id, method: 'GET', path: `/users/${id}?$select=id,assignedLicenses` })),
      { id: 'gone', method: 'GET', path: '/users/00000000-0000-4000-8000-000000000000' },
    ];
    let answers = new Map<string, unknown>();
    const built = await webObjectsBuiltDuring(async () => (answers = await batch.send(items)));

    // The wave's reads cost the event loop the parse of one answer, not 40 objects re-encoded and parsed.
    expect(built).toBe(0);
    for (const id of ids)
      expect(answers.get(id)).toEqual(
        expect.objectContaining({ id, assignedLicenses: expect.any(Array) })
      );
    expect(answers.get('gone')).toEqual(expect.any(Error));
    expect(String(answers.get('gone'))).toMatch(/404 Request_ResourceNotFound/);
  });
});
