import type { UserRead } from '../../src/domain/directory-answers';
import { readManyUsers } from '../../src/engine/directory-calls';
import type { TenantReader } from '../../src/engine/ports/tenant-reader';
import { GraphDirectoryWriter } from '../../src/graph/graph-directory-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { generateTenant, parseGeneratorSpec } from '../../src/simulator/scenarios/generated-tenant';
import { runningSimulator } from '../support/running-simulator';
import { simulatorGraphClient } from '../support/simulator-graph-client';

type LicenseRow = { skuId: string; assignedByGroup: string | null };

/** Requests the simulator received, by kind: pages of the tenant's list, `$batch`es, single reads. */
function requestKinds() {
  const seen = { pages: 0, batches: 0, singleReads: 0 };
  return {
    seen,
    onRequest: (method: string, url: string) => {
      const path = new URL(url, 'https://x').pathname;
      if (method === 'GET' && path === '/v1.0/users') seen.pages++;
      else if (method === 'POST' && path === '/v1.0/$batch') seen.batches++;
      else if (method === 'GET' && path.startsWith('/v1.0/users/')) seen.singleReads++;
    },
  };
}

/** What a read says, for comparing two ways of reading: the user as read, or only the kind of failure. */
const gist = (read: UserRead | undefined) =>
  read?.kind === 'read' ? read.user : read?.kind === 'failed' ? read : { kind: read?.kind };

describe('reading many users fresh from the tenant’s pages', () => {
  const tenant = generateTenant(parseGeneratorSpec('users=400,grouped=10%,seed=3'));
  const graph = runningSimulator(() => ({ tenant }));
  const ports = () => {
    const client = simulatorGraphClient(graph.base);
    return {
      writer: new GraphDirectoryWriter(client, graph.base),
      reader: new GraphTenantReader(client),
    };
  };
  const ids = tenant.users.slice(0, 300).map((u) => u.id);
  const deleted = ids[5];
  const unlicensed = ids[7];

  /** The tenant after the bot's plan was made: one user deleted, one whose direct licenses were taken. */
  async function tenantChangedSincePlan(): Promise<string[]> {
    expect((await graph.call('DELETE', `/v1.0/users/${deleted}`)).status).toBe(204);
    const held = await graph.call(
      'GET',
      `/v1.0/users/${unlicensed}?$select=licenseAssignmentStates`
    );
    const rows = (held.body as { licenseAssignmentStates: LicenseRow[] }).licenseAssignmentStates;
    const direct = rows.flatMap((r) => (r.assignedByGroup === null ? [r.skuId] : []));
    expect(direct.length).toBeGreaterThan(0);
    const removed = await graph.call('POST', `/v1.0/users/${unlicensed}/assignLicense`, {
      addLicenses: [],
      removeLicenses: direct,
    });
    expect(removed.status).toBe(200);
    return direct;
  }

  it('answers exactly what reading each user answers, in one page instead of fifteen $batches', async () => {
    const direct = await tenantChangedSincePlan();
    const { writer, reader } = ports();
    const kinds = requestKinds();
    graph.simulator.onRequest = kinds.onRequest;

    const paged = await readManyUsers(writer, ids, { reader, tenantUsers: tenant.users.length });
    expect(kinds.seen).toEqual({ pages: 1, batches: 0, singleReads: 0 });
    kinds.seen.pages = 0;
    const perUser = await readManyUsers(writer, ids);
    expect(kinds.seen).toEqual({ pages: 0, batches: 15, singleReads: 0 });

    expect([...paged.keys()]).toEqual(expect.arrayContaining(ids));
    expect(paged.size).toBe(ids.length);
    for (const id of ids) expect(gist(paged.get(id))).toEqual(gist(perUser.get(id)));
    expect(paged.get(deleted)?.kind).toBe('not-found');
    const read = paged.get(unlicensed);
    if (read?.kind !== 'read') throw new Error(`expected a read, got ${read?.kind}`);
    const stillDirect = read.user.licenseAssignmentStates.filter(
      (r) => r.assignedByGroup === null && direct.includes(r.skuId)
    );
    expect(stillDirect).toEqual([]);
  });

  it('reads each user when few are asked of the tenant, or its size is unknown', async () => {
    const { writer, reader } = ports();
    const kinds = requestKinds();
    graph.simulator.onRequest = kinds.onRequest;
    await readManyUsers(writer, ids.slice(0, 40), { reader, tenantUsers: tenant.users.length });
    await readManyUsers(writer, ids, { reader, tenantUsers: null });
    expect(kinds.seen).toEqual({ pages: 0, batches: 2 + 15, singleReads: 0 });
  });

  it('fails, as transient, every user a page that could not be read would have answered', async () => {
    const { writer, reader } = ports();
    // The first 100 users come; then Graph gives no answer for the next page.
    const failing: TenantReader = Object.assign(Object.create(reader) as TenantReader, {
      forEachUser: async (visit: Parameters<TenantReader['forEachUser']>[0]) => {
        let seen = 0;
        await reader.forEachUser((user) => {
          if (seen++ === 100) throw new Error('Graph gave no answer for the next page');
          visit(user);
        });
      },
    });
    const order = tenant.users.map((u) => u.id);
    const reads = await readManyUsers(writer, ids, { reader: failing, tenantUsers: 400 });
    for (const id of ids) {
      const read = reads.get(id);
      if (order.indexOf(id) < 100) expect(read?.kind).toBe('read');
      else
        expect(read).toEqual({
          kind: 'failed',
          reason: 'Graph gave no answer for the next page',
          transient: true,
        });
    }
  });
});
