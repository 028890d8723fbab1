import { executeWave } from '../../src/engine/execute-wave';
import type { DirectoryWriter } from '../../src/engine/directory-writer';
import { inFlightRemovals } from '../../src/domain/journal';
import { WritePacer } from '../../src/graph/write-pacer';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { generateTenant, parseGeneratorSpec } from '../../src/simulator/scenarios/generated-tenant';
import { approve, planWavesOn } from '../support/wave-harness';
import { OFFICE_E3 as E3 } from '../fixtures/skus';

/** Graph's time runs 60 times faster: its 150 s write window passes in 2.5 s. */
const TIME_SCALE = 60;

/** Counts the round trips waiting on Graph at once (one directory call each at most). */
function countingInFlight(writer: DirectoryWriter) {
  const seen = { now: 0, most: 0 };
  const counted =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      seen.most = Math.max(seen.most, ++seen.now);
      try {
        return await call(...args);
      } finally {
        seen.now -= 1;
      }
    };
  const wrapped: DirectoryWriter = {
    readUser: (id) => writer.readUser(id),
    removeDirectLicenses: (id, skus) => writer.removeDirectLicenses(id, skus),
    restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
    readUsers: counted((ids: readonly string[]) => writer.readUsers!(ids)),
    removeDirectLicensesForUsers: counted(
      (items: Parameters<NonNullable<DirectoryWriter['removeDirectLicensesForUsers']>>[0]) =>
        writer.removeDirectLicensesForUsers!(items)
    ),
    writeBudget: () => writer.writeBudget!(),
  };
  return { wrapped, seen };
}

describe('a wave at Graph’s write ceiling', () => {
  let simulator: TenantSimulator;
  afterEach(async () => simulator?.stop());

  it('keeps several round trips in flight, and no request is throttled though the wave starts near the ceiling', async () => {
    const tenant = generateTenant(parseGeneratorSpec('users=340,grouped=100%,seed=17'));
    const group = tenant.groups![0];
    simulator = new TenantSimulator({
      tenant: {
        ...tenant,
        groups: [{ ...group, licenses: [{ skuId: E3, disabledPlans: [] }] }],
      },
      timeScale: TIME_SCALE,
      // Every `$batch` takes a while to answer, as Graph's do: round trips are worth overlapping.
      faults: 'latency=15ms:100%,path=\\$batch',
    });
    const base = await simulator.start();
    simulator.directory.processGroup(group.id);
    const pacer = new WritePacer({ writes: 3_000, windowMs: 150_000 / TIME_SCALE });
    const { writer, context, waves } = await planWavesOn(base, ['rest'], { pacer });
    const wave = waves[0];
    expect(wave.userCount).toBeGreaterThan(180);
    // Other work of the bot spent most of the window just now: the wave must wait for the pacer, not Graph.
    await pacer.acquire(2_900);
    simulator.spendCallerWrites(2_900);
    const throttledBefore = simulator.usage.throttled;

    const journal = new InMemoryJournal();
    await approve(journal, wave);
    const { wrapped, seen } = countingInFlight(writer);
    const report = await executeWave(wave, context, wrapped, journal);

    expect(report.stoppedBecause).toBeNull();
    expect(report.removed).toHaveLength(wave.entries.length);
    expect(simulator.usage.throttled - throttledBefore).toBe(0);
    expect(seen.most).toBeGreaterThanOrEqual(3);
    expect(inFlightRemovals(await journal.entries())).toEqual([]);
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
  }, 30_000);
});
