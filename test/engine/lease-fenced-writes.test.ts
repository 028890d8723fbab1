import { simulatorGraphClient } from '../support/simulator-graph-client';
import { inFlightRemovals } from '../../src/domain/journal';
import { executeWave } from '../../src/engine/execute-wave';
import { planGroups } from '../../src/engine/plan-groups';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { rollbackWave } from '../../src/engine/rollback-wave';
import { isLeaseLost, type WriteFence } from '../../src/engine/write-fence';
import { createGraphClient } from '../../src/graph/graph-client';
import { GraphDirectoryMembership } from '../../src/graph/graph-directory-membership';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { WritePacer } from '../../src/graph/write-pacer';
import { DEVELOPMENT_TOKEN } from '../../src/simulator/development-token';
import { LOOPBACK_CERTIFICATE_PATH } from '../../src/simulator/loopback-certificate';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_PEOPLE,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import { buildTrickyTenant, trickyUserId } from '../../src/simulator/scenarios/tricky-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { approve, planWavesOn } from '../support/wave-harness';
import { OFFICE_E3 as E3 } from '../fixtures/skus';

/** A runner lease the test takes away whenever it likes. */
class TestLease implements WriteFence {
  constructor(private remainingMs = Number.POSITIVE_INFINITY) {}
  writableForMs(): number {
    return this.remainingMs;
  }
  lose(): void {
    this.remainingMs = 0;
  }
}

/** Requests other than GET that reached the simulator, by path (a `$batch` of reads among them). */
function postsReaching(simulator: TenantSimulator): string[] {
  const writes: string[] = [];
  simulator.onRequest = (method, url) => {
    if (method !== 'GET') writes.push(new URL(url, 'https://x').pathname);
  };
  return writes;
}

describe('every write is fenced by the runner lease', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  async function tricky(faults?: string): Promise<string> {
    simulator = new TenantSimulator({
      tenant: buildTrickyTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100_000 },
      faults,
    });
    return simulator.start();
  }

  it('a removal batch that waited in the pacer until the lease was gone is not sent; its intents stay for the new holder', async () => {
    const base = await tricky();
    const lease = new TestLease();
    // The pacer's clock moves only when it waits, and the lease runs out during that wait.
    let now = 0;
    const pacer = new WritePacer(
      { writes: 20, windowMs: 150_000 },
      {
        now: () => now,
        sleep: async (ms) => {
          now += ms;
          lease.lose();
        },
      }
    );
    const { writer, context, waves } = await planWavesOn(base, ['rest'], { fence: lease, pacer });
    await pacer.acquire(20); // Other writes filled the window: the wave's batch must wait its turn.
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);
    const writes = postsReaching(simulator);

    const report = await executeWave(waves[0], context, writer, journal);

    // Only the batch of reads before; neither the removal nor the read after it.
    expect(writes).toEqual(['/v1.0/$batch']);
    expect(report.leaseLost).toBe(true);
    expect(report.removed).toEqual([]);
    expect(report.failed).toEqual([]);
    // Neither failed nor removed: in flight, for whoever holds the lease to settle from fresh reads.
    expect(inFlightRemovals(await journal.entries())).toHaveLength(waves[0].entries.length);
    for (const entry of waves[0].entries)
      expect(simulator.directory.findUser(entry.userId)?.directLicenses.has(E3)).toBe(true);
  });

  it('a throttled write is not retried when its backoff would outlast the lease', async () => {
    // Graph answers 503 with Retry-After: 1 s; the lease has half a second left.
    const base = await tricky('503:100%,path=/assignLicense$');
    const { writer } = await planWavesOn(base, ['rest'], { fence: new TestLease(500) });
    const writes = postsReaching(simulator);

    const error = await writer
      .restoreDirectLicense(trickyUserId('both-same-plans'), E3, [])
      .catch((e: unknown) => e);

    expect(isLeaseLost(error)).toBe(true);
    expect(writes).toHaveLength(1);
  });

  it('no retry is sent once the lease is lost during its backoff', async () => {
    const base = await tricky('503:100%,path=/assignLicense$');
    const lease = new TestLease();
    const { writer } = await planWavesOn(base, ['rest'], {
      fence: lease,
      retrySleep: async () => lease.lose(),
    });
    const writes = postsReaching(simulator);

    const error = await writer
      .restoreDirectLicense(trickyUserId('both-same-plans'), E3, [])
      .catch((e: unknown) => e);

    expect(isLeaseLost(error)).toBe(true);
    expect(writes).toHaveLength(1);
  });

  it('without the lease nothing is written, and reads still work', async () => {
    const base = await tricky();
    const { writer } = await planWavesOn(base, ['rest'], { fence: new TestLease(0) });
    const writes = postsReaching(simulator);
    const user = trickyUserId('both-same-plans');

    expect((await writer.readUsers!([user])).get(user)).not.toBeInstanceOf(Error);
    const error = await writer.removeDirectLicenses(user, [E3]).catch((e: unknown) => e);

    expect(isLeaseLost(error)).toBe(true);
    expect(writes).toEqual(['/v1.0/$batch']); // The batch of reads, and no removal.
    expect(simulator.directory.findUser(user)?.directLicenses.has(E3)).toBe(true);
  });

  it('a rollback stops putting back once the lease is lost, and leaves the rest to the new holder', async () => {
    const base = await tricky();
    const lease = new TestLease();
    const { writer, context, waves } = await planWavesOn(base, ['rest'], { fence: lease });
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);
    const wave = await executeWave(waves[0], context, writer, journal);
    expect(wave.removed.length).toBeGreaterThan(1);
    const restores: string[] = [];
    simulator.onRequest = (method, url) => {
      if (method === 'POST' && url.endsWith('/assignLicense')) {
        restores.push(url);
        lease.lose(); // Another instance takes over while the first user is put back.
      }
    };

    const error = await rollbackWave(waves[0].digest, writer, journal).catch((e: unknown) => e);

    expect(isLeaseLost(error)).toBe(true);
    expect(restores).toHaveLength(1);
    const putBack = wave.removed.filter(
      (r) => simulator.directory.findUser(r.userId)?.directLicenses.has(E3) ?? false
    );
    expect(putBack).toHaveLength(1);
  });

  it('the group assignment stops writing once the lease is lost', async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100_000 },
    });
    const base = await simulator.start();
    const lease = new TestLease();
    const client = simulatorGraphClient(base, lease);
    const plan = await planGroups(new GraphTenantReader(client));
    const writes: string[] = [];
    simulator.onRequest = (method, url) => {
      if (method === 'GET') return;
      writes.push(new URL(url, 'https://x').pathname);
      lease.lose(); // Lost while the first group is being created.
    };

    const error = await populateAndAssign(plan, new GraphGroupWriter(client, base)).catch(
      (e: unknown) => e
    );

    expect(isLeaseLost(error)).toBe(true);
    expect(writes).toEqual(['/v1.0/groups']);
  });

  it('an instance without the lease still checks who may act (a POST that only reads)', async () => {
    simulator = new TenantSimulator({ tenant: buildDemoTenant() });
    const base = await simulator.start();
    const client = createGraphClient(
      {
        baseUrl: base,
        credential: { kind: 'development-token', token: DEVELOPMENT_TOKEN },
        trustedCertificatePath: LOOPBACK_CERTIFICATE_PATH,
      },
      new TestLease(0)
    );
    const admin = DEMO_PEOPLE.admin;

    expect(await new GraphDirectoryMembership(client).isMember(admin.id, DEMO_ADMIN_GROUP_ID)).toBe(
      true
    );
  });
});
