import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import type { StoredWave } from '../../src/domain/migration-record';
import { followUpWave } from '../../src/engine/follow-up-wave';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import {
  InMemoryDirectory,
  activeRow,
  userNamed,
  type ScriptedRead,
} from '../support/in-memory-directory';

/** A wave's follow-up when Graph cannot answer for every user. */
describe("a wave's follow-up reading its users", () => {
  const sku = 'sku-ems';
  const wave: StoredWave = {
    number: 1,
    digest: 'wave-1',
    userCount: 3,
    entries: [],
    status: 'completed',
    proposedBy: { id: 'admin', name: 'Adele Vance' },
  };
  /** The tenant: EMS (with MFA) licensed through the group `g`; each user's reads as a test scripts them. */
  const directoryReading = (reads: Record<string, ScriptedRead[]>) => {
    const directory = new InMemoryDirectory([
      {
        skuId: sku,
        skuPartNumber: 'EMS',
        prepaidUnits: 10,
        consumedUnits: 3,
        servicePlans: [{ servicePlanId: 'mfa', servicePlanName: 'MFA_PREMIUM' }],
      },
    ]).withGroup('g', 'LIC EMS', [sku]);
    for (const [userId, answers] of Object.entries(reads))
      directory.answerReads(userId, ...answers);
    return directory;
  };
  const inherited = (id: string): UserLicenseSnapshot => ({
    ...userNamed(id),
    licenseAssignmentStates: [activeRow(sku, 'g')],
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

  it('does not take a user Graph would not answer for as clean, and counts deleted users apart', async () => {
    const journal = await journalOfRemovals(['u1', 'u2', 'u3', 'u4']);
    const notFound = new Error('404 Request_ResourceNotFound: no such user');
    const directory = directoryReading({
      u1: [inherited('u1')],
      u2: [new Error('503 ServiceUnavailable: try later')],
      u3: [notFound],
      u4: ['no answer'], // none at all in the batch
    });
    const report = await followUpWave(wave, directory, directory, journal, { readBack });
    expect(report.checked).toBe(4);
    expect(report.usersGone).toBe(1);
    expect(report.findings.map((f) => [f.userId, f.problem, f.needsRestore])).toEqual([
      ['u2', 'unreadable', false],
      ['u4', 'unreadable', false],
    ]);
    expect(report.findings[0].detail).toMatch(/^could not be read \(503 ServiceUnavailable/);
  });

  it("names a user Graph could not read from the wave's contents, asked for only then", async () => {
    const asked: string[][] = [];
    const namesOf = async (userIds: ReadonlySet<string>) => {
      asked.push([...userIds]);
      return new Map([...userIds].map((id) => [id, `${id}@contoso.com`]));
    };
    const clean = directoryReading({ u1: [inherited('u1')] });
    await followUpWave(wave, clean, clean, await journalOfRemovals(['u1']), { readBack, namesOf });
    expect(asked).toEqual([]);

    const failing = directoryReading({
      u1: [inherited('u1')],
      u2: [new Error('503 ServiceUnavailable: try later')],
    });
    const journal = await journalOfRemovals(['u1', 'u2']);
    const report = await followUpWave(wave, failing, failing, journal, { readBack, namesOf });
    expect(asked).toEqual([['u2']]);
    expect(report.findings.map((f) => [f.userPrincipalName, f.problem])).toEqual([
      ['u2@contoso.com', 'unreadable'],
    ]);
  });

  it('tries again later when Graph answers for nobody in a round trip', async () => {
    const journal = await journalOfRemovals(['u1', 'u2']);
    const down = new Error('503 ServiceUnavailable: try later');
    const directory = directoryReading({ u1: [down], u2: [down] });
    await expect(followUpWave(wave, directory, directory, journal, { readBack })).rejects.toThrow(
      '503 ServiceUnavailable'
    );
  });

  const withoutLicense = (id: string): UserLicenseSnapshot => ({
    ...inherited(id),
    licenseAssignmentStates: [],
  });
  const direct = (id: string): UserLicenseSnapshot => ({
    ...inherited(id),
    licenseAssignmentStates: [activeRow(sku, null)],
  });
  it('reads again a user a lagging replica shows without the license, and finds nothing once a read shows it', async () => {
    const journal = await journalOfRemovals(['u1']);
    const directory = directoryReading({ u1: [withoutLicense('u1'), inherited('u1')] });
    const report = await followUpWave(wave, directory, directory, journal, { readBack });
    expect(report.findings).toEqual([]);
  });

  it('still finds a loss every read shows, after reading again until the lag has passed', async () => {
    const journal = await journalOfRemovals(['u1']);
    const directory = directoryReading({ u1: [withoutLicense('u1')] });
    const report = await followUpWave(wave, directory, directory, journal, { readBack });
    expect(report.findings.map((f) => [f.userId, f.problem, f.needsRestore])).toEqual([
      ['u1', 'lost-plans', true],
    ]);
  });

  describe("when the wave is most of the tenant, read from the tenant's pages", () => {
    // 690 of 700 users: one page (as long as three rounds) instead of five rounds of eight 20-user batches.
    const ids = Array.from({ length: 690 }, (_, i) => `u${i}`);
    const tenantOf = (pageShowsU1: UserLicenseSnapshot, reads: Record<string, ScriptedRead[]>) => {
      const directory = directoryReading(reads).withUsers(
        ...[...ids, ...Array.from({ length: 10 }, (_, i) => `other${i}`)].map(inherited),
        pageShowsU1
      );
      const asked: string[][] = [];
      const readUsers = directory.readUsers.bind(directory);
      directory.readUsers = async (userIds) => {
        asked.push([...userIds]);
        return readUsers(userIds);
      };
      return { directory, asked };
    };

    it('reads alone only a user its page shows without the license (a lagging replica), and finds nothing once a read shows it', async () => {
      const journal = await journalOfRemovals(ids);
      const { directory, asked } = tenantOf(withoutLicense('u1'), { u1: [inherited('u1')] });
      const report = await followUpWave(wave, directory, directory, journal, {
        readBack,
        tenantUsers: 700,
      });
      expect(report.checked).toBe(690);
      expect(report.findings).toEqual([]);
      expect(asked).toEqual([['u1']]);
    });

    it('still finds a loss its page and every read after it show', async () => {
      const journal = await journalOfRemovals(ids);
      const { directory } = tenantOf(withoutLicense('u1'), { u1: [withoutLicense('u1')] });
      const report = await followUpWave(wave, directory, directory, journal, {
        readBack,
        tenantUsers: 700,
      });
      expect(report.findings.map((f) => [f.userId, f.problem, f.needsRestore])).toEqual([
        ['u1', 'lost-plans', true],
      ]);
    });

    it('counts a user on no page as gone', async () => {
      const journal = await journalOfRemovals([...ids, 'deleted']);
      const { directory } = tenantOf(inherited('u1'), {});
      const report = await followUpWave(wave, directory, directory, journal, {
        readBack,
        tenantUsers: 700,
      });
      expect(report).toMatchObject({ checked: 691, usersGone: 1, findings: [] });
    });
  });

  it('settles a removal left "unknown, re-checking" from a read that shows it, and checks it', async () => {
    clock = Date.now();
    const journal = await journalOfRemovals(['u1', 'u2'], 'unknown', new Date(clock).toISOString());
    const directory = directoryReading({ u1: [direct('u1'), inherited('u1')], u2: [direct('u2')] });
    const report = await followUpWave(wave, directory, directory, journal, { readBack });
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
