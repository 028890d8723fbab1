import { readsOf } from '../support/journal-entries';
import fc from 'fast-check';
import { executeWave } from '../../src/engine/execute-wave';
import type { DirectoryWriter } from '../../src/engine/ports/directory-writer';
import type { RemovalAnswer, UserRead } from '../../src/domain/directory-answers';
import { inFlightRemovals, type JournalEntry } from '../../src/domain/journal';
import type { Journal } from '../../src/engine/ports/journal';
import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import type { RemovalContext } from '../../src/domain/removal-safety';
import { waveDigest, type Wave } from '../../src/domain/waves';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { approve } from '../support/wave-harness';
import { assignment, userWith } from '../support/license-snapshots';
import { OFFICE_E3 as E3 } from '../fixtures/skus';

const GROUP = 'group-e3';
const context: RemovalContext = {
  skus: new Map([
    [
      E3,
      {
        skuId: E3,
        skuPartNumber: 'ENTERPRISEPACK',
        prepaidUnits: 1000,
        consumedUnits: 0,
        servicePlans: [{ servicePlanId: 'exchange', servicePlanName: 'EXCHANGE_S_ENTERPRISE' }],
      },
    ],
  ]),
  groupNames: new Map([[GROUP, 'E3 users']]),
};

/**
 * A directory in memory whose every answer (and every journal write) completes when fast-check's
 * scheduler says: any interleaving of overlapping round trips, a removal's wait for the write ceiling
 * among them (it leaves only if the wave's last look, after that wait, still lets it). A "lossy" user loses the group's
 * license with the direct one (removing it loses plans); a "down" user's first read fails (503).
 */
function scheduledDirectory(
  s: fc.Scheduler,
  users: number,
  lossy: ReadonlySet<number>,
  down: ReadonlySet<number>
) {
  const ids = Array.from({ length: users }, (_, i) => `user-${i}`);
  const direct = new Set(ids);
  const grouped = new Set(ids);
  const readOnce = new Set<string>();
  const events: string[] = [];
  const journal = new InMemoryJournal();
  const snapshot = (id: string): UserLicenseSnapshot =>
    userWith(id, [
      ...(direct.has(id) ? [assignment(E3, null)] : []),
      ...(grouped.has(id) ? [assignment(E3, GROUP)] : []),
    ]);
  const calls = { outstanding: 0, most: 0 };
  const later = <T>(label: string, answer: () => T) =>
    s.schedule(Promise.resolve(label)).then(answer);
  /** A call to the directory, counted while it is outstanding (one per round trip at most). */
  const directoryCall = <T>(label: string, answer: () => T) => {
    calls.most = Math.max(calls.most, ++calls.outstanding);
    return later(label, answer).finally(() => calls.outstanding--);
  };
  const journaled: JournalEntry[] = [];
  const scheduledJournal: Journal = {
    append: (entry) => scheduledJournal.appendMany!([entry]),
    appendMany: async (entries) => {
      for (const e of entries) events.push(`journal ${e.kind}`);
      await later('journal', () => journaled.push(...entries));
      for (const e of entries) await journal.append(e);
    },
    ...readsOf(journal),
  };
  const writer: DirectoryWriter = {
    readUser: (id) => later(`read ${id}`, (): UserRead => ({ kind: 'read', user: snapshot(id) })),
    readUsers: (userIds) => {
      const first = userIds.filter((id) => !readOnce.has(id));
      if (first.length === userIds.length) events.push('round trip starts');
      first.forEach((id) => readOnce.add(id));
      const failing = first.some((id) => down.has(Number(id.slice(5))));
      return directoryCall('read', () => {
        const unavailable: UserRead = {
          kind: 'failed',
          reason: '503 Service unavailable',
          transient: true,
        };
        return new Map(
          userIds.map((id): [string, UserRead] =>
            failing ? [id, unavailable] : [id, { kind: 'read', user: snapshot(id) }]
          )
        );
      });
    },
    removeDirectLicenses: () => Promise.reject(new Error('batched only')),
    removeDirectLicensesForUsers: async (items, gate) => {
      // The write ceiling's turn comes whenever the scheduler says: a loss may be seen meanwhile.
      await later('pacer grants the writes', () => undefined);
      if (gate?.mayLeave && !gate.mayLeave())
        return new Map(
          items.map((i): [string, RemovalAnswer] => [i.userId, { kind: 'held-back' }])
        );
      events.push('removal sent');
      for (const { userId } of items) {
        // The intent is in the journal, durable, before the removal leaves.
        const intended = journaled.some(
          (e) => e.kind === 'removal-intended' && e.userId === userId
        );
        if (!intended) events.push(`sent without intent ${userId}`);
      }
      return directoryCall('remove', () => {
        for (const { userId } of items) {
          direct.delete(userId);
          if (lossy.has(Number(userId.slice(5)))) grouped.delete(userId);
        }
        return new Map(items.map((i): [string, RemovalAnswer] => [i.userId, { kind: 'done' }]));
      });
    },
    restoreDirectLicense: (id) => {
      events.push('restore');
      return later('restore', () => {
        direct.add(id);
        return { kind: 'done' } as const;
      });
    },
    // Room for every round trip at once: the decision does not hold any back.
    writeBudget: () => ({ room: 3000, perSecond: 20 }),
  };
  return {
    ids,
    writer,
    journal: scheduledJournal,
    approved: journal,
    calls,
    events,
    journaled,
    direct,
    grouped,
  };
}

function waveOf(ids: readonly string[]): Wave {
  const entries = ids.map((id) => ({
    userId: id,
    userPrincipalName: `${id}@contoso.example`,
    skuId: E3,
    disabledPlans: [],
  }));
  return { number: 1, entries, userCount: ids.length, digest: waveDigest(entries) };
}

describe('overlapping round trips, whatever order Graph and the journal answer in', () => {
  it('journals every intent before its removal and settles every one; after a loss, no round trip starts and no removal leaves, not even one that passed its last check before waiting for the write ceiling', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 6 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 89 }), { maxLength: 2 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 89 }), { maxLength: 2 }),
        async (s, users, maxInFlight, lossy, down) => {
          const tenant = scheduledDirectory(s, users, new Set(lossy), new Set(down));
          const wave = waveOf(tenant.ids);
          await approve(tenant.approved, wave);
          const outcome = await s
            .waitFor(
              executeWave(wave, context, tenant.writer, tenant.journal, {
                maxRoundTripsInFlight: maxInFlight,
                failureThreshold: 1000,
                readBack: { delaysMs: [] },
              })
            )
            .then(
              (report) => ({ report, error: null }),
              (error: unknown) => ({ report: null, error })
            );

          expect(tenant.events.filter((e) => e.startsWith('sent without intent'))).toEqual([]);
          expect(tenant.calls.most).toBeLessThanOrEqual(maxInFlight);
          // Every intent settled (removed, restored, or not sent), even when a round trip threw.
          expect(inFlightRemovals(tenant.journaled)).toEqual([]);
          // Every outcome follows its intent in the journal.
          const position = new Map(tenant.journaled.map((e, i) => [e.id, i]));
          for (const [i, e] of tenant.journaled.entries())
            if (e.kind === 'removal-outcome')
              expect(position.get(e.intentId) ?? Infinity).toBeLessThan(i);
          const firstLoss = tenant.events.indexOf('journal restore-intended');
          if (firstLoss >= 0) {
            const after = tenant.events.slice(firstLoss);
            expect(after.filter((e) => e === 'round trip starts' || e === 'removal sent')).toEqual(
              []
            );
            expect(outcome.report?.stoppedBecause ?? 'threw').toMatch(/lost|threw/);
          }
          // Nobody is left without the license: a user who lost it got the direct assignment back.
          expect(
            tenant.ids.filter((id) => !tenant.direct.has(id) && !tenant.grouped.has(id))
          ).toEqual([]);
          if (outcome.error === null && firstLoss < 0 && down.every((n) => n >= users))
            expect(tenant.direct.size).toBe(0);
        }
      ),
      { numRuns: 150 }
    );
  });
});
