import type { UserRead } from '../../src/domain/directory-answers';
import { readManyUsers } from '../../src/engine/directory-calls';
import { visitUsersFromPages } from '../../src/engine/paged-user-reads';
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
  const tenant = generateTenant(parseGeneratorSpec('users=700,grouped=10%,seed=3'));
  const graph = runningSimulator(() => ({ tenant }));
  const ports = () => {
    const client = simulatorGraphClient(graph.base);
    return {
      writer: new GraphDirectoryWriter(client, graph.base),
      reader: new GraphTenantReader(client),
    };
  };
  const ids = tenant.users.slice(0, 600).map((u) => u.id);
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

  it('answers exactly what reading each user answers, in one page instead of thirty $batches (eight at a time)', async () => {
    const direct = await tenantChangedSincePlan();
    const { writer, reader } = ports();
    const kinds = requestKinds();
    graph.simulator.onRequest = kinds.onRequest;

    const paged = await readManyUsers(writer, ids, { reader, tenantUsers: tenant.users.length });
    expect(kinds.seen).toEqual({ pages: 1, batches: 0, singleReads: 0 });
    kinds.seen.pages = 0;
    const perUser = await readManyUsers(writer, ids);
    expect(kinds.seen).toEqual({ pages: 0, batches: 30, singleReads: 0 });

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
    expect(kinds.seen).toEqual({ pages: 0, batches: 2 + 30, singleReads: 0 });
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
    const reads = await readManyUsers(writer, ids, { reader: failing, tenantUsers: 700 });
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

describe('visiting many users from the tenant’s pages', () => {
  const user = (id: string) => ({
    id,
    userPrincipalName: `${id}@contoso.com`,
    accountEnabled: true,
    usageLocation: 'US',
    licenseAssignmentStates: [],
  });
  /** A tenant of `count` users in pages of 10; `events` says when each page was read. */
  function pagedReader(count: number, failAtPage?: number) {
    const events: string[] = [];
    const reader = {
      forEachUser: async (visit: (u: ReturnType<typeof user>) => void) => {
        for (let page = 0; page * 10 < count; page++) {
          if (page === failAtPage) throw new Error(`page ${page} got no answer`);
          events.push(`page ${page}`);
          for (let i = page * 10; i < Math.min(count, page * 10 + 10); i++) visit(user(`u${i}`));
        }
      },
    } as unknown as TenantReader;
    return { reader, events };
  }

  it('hands each asked user’s read over as its page comes, so the caller keeps only what it needs', async () => {
    const { reader, events } = pagedReader(30);
    await visitUsersFromPages(reader, ['U3', 'u25', 'gone'], (id, read) =>
      events.push(`${id}: ${read.kind}`)
    );
    expect(events).toEqual([
      'page 0',
      'U3: read',
      'page 1',
      'page 2',
      'u25: read',
      'gone: not-found',
    ]);
  });

  it('fails, once each, the users a page that could not be read would have answered', async () => {
    const { reader } = pagedReader(30, 1);
    const reads: [string, string][] = [];
    await visitUsersFromPages(reader, ['u3', 'u15', 'u25', 'u15'], (id, read) =>
      reads.push([id, read.kind === 'failed' ? read.reason : read.kind])
    );
    expect(reads).toEqual([
      ['u3', 'read'],
      ['u15', 'page 1 got no answer'],
      ['u25', 'page 1 got no answer'],
    ]);
  });
});
