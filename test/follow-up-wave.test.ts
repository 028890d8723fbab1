import type { UserLicenseSnapshot } from '../src/domain/licenses';
import type { StoredWave } from '../src/domain/migration-record';
import type { DirectoryWriter } from '../src/engine/directory-writer';
import { followUpWave } from '../src/engine/follow-up-wave';
import type { TenantReader } from '../src/engine/tenant-reader';
import { InMemoryJournal } from '../src/storage/in-memory-journal';

/** A wave's follow-up when Graph cannot answer for every user. */
describe("a wave's follow-up reading its users", () => {
  const sku = 'sku-ems';
  const wave = {
    number: 1,
    digest: 'wave-1',
    userCount: 3,
    entries: [],
    status: 'completed',
    proposedBy: { id: 'admin', name: 'Adele Vance' },
  } as unknown as StoredWave;
  const reader = {
    subscribedSkus: async () => [
      {
        skuId: sku,
        skuPartNumber: 'EMS',
        prepaidUnits: 10,
        consumedUnits: 3,
        servicePlans: [{ servicePlanId: 'mfa', servicePlanName: 'MFA_PREMIUM' }],
      },
    ],
    licensingGroupNames: async () => new Map([['g', 'LIC EMS']]),
  } as unknown as TenantReader;
  const inherited = (id: string): UserLicenseSnapshot => ({
    id,
    userPrincipalName: `${id}@contoso.example`,
    accountEnabled: true,
    usageLocation: 'US',
    licenseAssignmentStates: [
      { skuId: sku, assignedByGroup: 'g', disabledPlans: [], state: 'Active', error: 'None' },
    ],
  });

  // Waits that pass only on a simulated clock: 10 s in all, the lag bound.
  let clock = Date.now();
  const readBack = {
    delaysMs: [2_000, 3_000, 5_000],
    now: () => new Date(clock),
    sleep: async (ms: number) => {
      clock += ms;
    },
  };

  async function journalOfRemovals(
    users: readonly string[],
    outcome: 'removed' | 'unknown' = 'removed',
    outcomeAt = '2026-11-24T10:00:01Z'
  ) {
    const journal = new InMemoryJournal();
    for (const userId of users) {
      await journal.append({
        kind: 'removal-intended',
        id: `i-${userId}`,
        at: '2026-11-24T10:00:00Z',
        waveNumber: 1,
        waveDigest: 'wave-1',
        userId,
        skuId: sku,
        disabledPlans: [],
      });
      await journal.append({
        kind: 'removal-outcome',
        id: `o-${userId}`,
        at: outcomeAt,
        intentId: `i-${userId}`,
        outcome,
        reason: outcome,
      });
    }
    return journal;
  }
  const writerAnswering = (answers: Record<string, UserLicenseSnapshot | Error>) =>
    ({
      readUsers: async (ids: readonly string[]) =>
        new Map(ids.flatMap((id) => (answers[id] ? [[id, answers[id]] as const] : []))),
    }) as unknown as DirectoryWriter;

  it('does not take a user Graph would not answer for as clean, and counts deleted users apart', async () => {
    const journal = await journalOfRemovals(['u1', 'u2', 'u3', 'u4']);
    const notFound = new Error('404 Request_ResourceNotFound: no such user');
    const report = await followUpWave(
      wave,
      reader,
      writerAnswering({
        u1: inherited('u1'),
        u2: new Error('503 ServiceUnavailable: try later'),
        u3: notFound,
        // u4: no answer at all in the batch
      }),
      journal,
      { readBack }
    );
    expect(report.checked).toBe(4);
    expect(report.usersGone).toBe(1);
    expect(report.findings.map((f) => [f.userId, f.problem, f.needsRestore])).toEqual([
      ['u2', 'unreadable', false],
      ['u4', 'unreadable', false],
    ]);
    expect(report.findings[0].detail).toMatch(/^could not be read \(503 ServiceUnavailable/);
  });

  it('tries again later when Graph answers for nobody in a round trip', async () => {
    const journal = await journalOfRemovals(['u1', 'u2']);
    const down = new Error('503 ServiceUnavailable: try later');
    await expect(
      followUpWave(wave, reader, writerAnswering({ u1: down, u2: down }), journal, { readBack })
    ).rejects.toThrow('503 ServiceUnavailable');
  });

  /** Each user's reads in turn (the last one repeats): a lagging replica first, then a fresh one. */
  const writerReading = (reads: Record<string, UserLicenseSnapshot[]>) => {
    const count = new Map<string, number>();
    return {
      readUsers: async (ids: readonly string[]) =>
        new Map(
          ids.map((id) => {
            const n = count.get(id) ?? 0;
            count.set(id, n + 1);
            return [id, reads[id][Math.min(n, reads[id].length - 1)]] as const;
          })
        ),
    } as unknown as DirectoryWriter;
  };
  const withoutLicense = (id: string): UserLicenseSnapshot => ({
    ...inherited(id),
    licenseAssignmentStates: [],
  });
  const direct = (id: string): UserLicenseSnapshot => ({
    ...inherited(id),
    licenseAssignmentStates: [
      { skuId: sku, assignedByGroup: null, disabledPlans: [], state: 'Active', error: 'None' },
    ],
  });
  it('reads again a user a lagging replica shows without the license, and finds nothing once a read shows it', async () => {
    const journal = await journalOfRemovals(['u1']);
    const report = await followUpWave(
      wave,
      reader,
      writerReading({ u1: [withoutLicense('u1'), inherited('u1')] }),
      journal,
      { readBack }
    );
    expect(report.findings).toEqual([]);
  });

  it('still finds a loss every read shows, after reading again until the lag has passed', async () => {
    const journal = await journalOfRemovals(['u1']);
    const report = await followUpWave(
      wave,
      reader,
      writerReading({ u1: [withoutLicense('u1')] }),
      journal,
      { readBack }
    );
    expect(report.findings.map((f) => [f.userId, f.problem, f.needsRestore])).toEqual([
      ['u1', 'lost-plans', true],
    ]);
  });

  it('settles a removal left "unknown, re-checking" from a read that shows it, and checks it', async () => {
    clock = Date.now();
    const journal = await journalOfRemovals(['u1', 'u2'], 'unknown', new Date(clock).toISOString());
    const report = await followUpWave(
      wave,
      reader,
      writerReading({ u1: [direct('u1'), inherited('u1')], u2: [direct('u2')] }),
      journal,
      { readBack }
    );
    expect(report.checked).toBe(1);
    expect(report.findings).toEqual([]);
    const outcomes = (await journal.entries()).flatMap((e) =>
      e.kind === 'removal-outcome' && e.outcome !== 'unknown' ? [[e.intentId, e.outcome]] : []
    );
    // u2's read, past the lag, still shows the direct assignment: it was not removed.
    expect(outcomes).toEqual([
      ['i-u1', 'removed'],
      ['i-u2', 'failed'],
    ]);
  });
});
