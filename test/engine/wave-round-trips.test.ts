import { executeWave } from '../../src/engine/execute-wave';
import type { DirectoryWriter } from '../../src/engine/ports/directory-writer';
import type { RemovalAnswer, UserRead } from '../../src/domain/directory-answers';
import type { RemovalContext } from '../../src/domain/removal-safety';
import { waveDigest, type Wave, type WaveEntry } from '../../src/domain/waves';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { approve } from '../support/wave-harness';
import { assignment, userWith } from '../support/license-snapshots';
import { EMS, OFFICE_E3 as E3 } from '../fixtures/skus';

const GROUP = 'group-licensing';
const sku = (skuId: string, name: string) => ({
  skuId,
  skuPartNumber: name,
  prepaidUnits: 1000,
  consumedUnits: 0,
  servicePlans: [{ servicePlanId: `${name}-plan`, servicePlanName: `${name}_PLAN` }],
});
const context: RemovalContext = {
  skus: new Map([
    [E3, sku(E3, 'ENTERPRISEPACK')],
    [EMS, sku(EMS, 'EMS')],
  ]),
  groupNames: new Map([[GROUP, 'Licensing']]),
};

/** Users licensed directly and by the group alike; each removal sent is recorded as it was grouped. */
function directory(users: number) {
  const ids = Array.from({ length: users }, (_, i) => `user-${String(i).padStart(2, '0')}`);
  const direct = new Map(ids.map((id, i) => [id, new Set(i < 10 ? [E3, EMS] : [E3])]));
  const sent: { userId: string; skuIds: readonly string[] }[][] = [];
  const read = (id: string): UserRead => ({
    kind: 'read',
    user: userWith(id, [
      ...[...(direct.get(id) ?? [])].map((s) => assignment(s, null)),
      assignment(E3, GROUP),
      ...(ids.indexOf(id) < 10 ? [assignment(EMS, GROUP)] : []),
    ]),
  });
  const writer: DirectoryWriter = {
    readUser: async (id) => read(id),
    readUsers: async (userIds) => new Map(userIds.map((id) => [id, read(id)])),
    removeDirectLicenses: () => Promise.reject(new Error('batched only')),
    removeDirectLicensesForUsers: async (items) => {
      sent.push(items.map((i) => ({ userId: i.userId, skuIds: [...i.skuIds].sort() })));
      for (const { userId, skuIds } of items) for (const s of skuIds) direct.get(userId)?.delete(s);
      return new Map(items.map((i): [string, RemovalAnswer] => [i.userId, { kind: 'done' }]));
    },
    restoreDirectLicense: async () => ({ kind: 'done' }),
    writeBudget: () => ({ room: 3000, perSecond: 20 }),
  };
  return { ids, writer, sent };
}

describe("a wave's round trips", () => {
  it("take 20 users each with all of a user's SKUs in one removal, and after a stop the next run sends only the rest", async () => {
    const { ids, writer, sent } = directory(45);
    // The E3 assignments first, then the first ten users' EMS ones: a user's entries need not be together.
    const entries: WaveEntry[] = [
      ...ids.map((userId) => ({
        userId,
        userPrincipalName: `${userId}@x`,
        skuId: E3,
        disabledPlans: [],
      })),
      ...ids.slice(0, 10).map((userId) => ({
        userId,
        userPrincipalName: `${userId}@x`,
        skuId: EMS,
        disabledPlans: [],
      })),
    ];
    const wave: Wave = { number: 1, entries, userCount: 45, digest: waveDigest(entries) };
    const journal = new InMemoryJournal();
    await approve(journal, wave);
    let asked = 0;
    const first = await executeWave(wave, context, writer, journal, {
      shouldStop: async () => (asked++ === 1 ? 'Paused by Adele Vance.' : null),
      maxRoundTripsInFlight: 1,
    });
    expect(first.stoppedBecause).toBe('Paused by Adele Vance.');
    expect(sent).toEqual([
      ids.slice(0, 20).map((userId, i) => ({ userId, skuIds: i < 10 ? [E3, EMS].sort() : [E3] })),
    ]);

    const progress: number[] = [];
    const second = await executeWave(wave, context, writer, journal, {
      onProgress: async (_report, done, total) => void progress.push(done, total),
    });
    expect(second.stoppedBecause).toBeNull();
    // Overlapping round trips: sent in whichever order their reads came back.
    const rest = sent.slice(1).map((trip) => trip.map((i) => i.userId));
    expect(rest.sort((a, b) => (a[0] < b[0] ? -1 : 1))).toEqual([ids.slice(20, 40), ids.slice(40)]);
    // Told from where the first run left off (20 of 45 users) up to all of them.
    expect(progress[0]).toBeGreaterThan(20);
    expect(progress.slice(-2)).toEqual([45, 45]);
  });
});
