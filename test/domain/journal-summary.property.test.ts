import fc from 'fast-check';
import { removedAssignments, removedIntentsOf } from '../../src/domain/done-report';
import { inFlightRemovals, type JournalEntry, type RemovalOutcome } from '../../src/domain/journal';
import { JournalSummary } from '../../src/domain/journal-summary';
import { SettledKeysFold, settledKeysOf } from '../../src/domain/wave-journal';
import { WaveRemovalsFold } from '../../src/domain/wave-removals-fold';
import { removedAssignmentsIn } from '../../src/engine/done-report';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { awaitingPutBack, isWaveApproved, waveTallies } from '../support/journal-model';

/** Waves by digest; two share a number, as waves frozen again do. */
const WAVES = [
  { digest: 'wave-a', number: 1 },
  { digest: 'wave-b', number: 2 },
  { digest: 'wave-c', number: 2 },
  { digest: 'wave-d', number: 3 },
];
const OUTCOMES: readonly RemovalOutcome[] = ['removed', 'skipped', 'restored', 'failed', 'unknown'];

type Step =
  | { do: 'decide'; wave: number; approved: boolean; by: number; approval: number }
  | { do: 'other-decision'; approval: number }
  | { do: 'intend'; wave: number; user: number }
  | { do: 'settle'; intent: number; outcome: number }
  | { do: 'restore'; intent: number }
  | { do: 'orphan'; outcome: number }
  | { do: 'repeat'; entry: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    do: fc.constant('decide' as const),
    wave: fc.nat(3),
    approved: fc.boolean(),
    by: fc.nat(2),
    approval: fc.nat(5),
  }),
  fc.record({ do: fc.constant('other-decision' as const), approval: fc.nat(5) }),
  fc.record({ do: fc.constant('intend' as const), wave: fc.nat(3), user: fc.nat(6) }),
  fc.record({ do: fc.constant('intend' as const), wave: fc.nat(3), user: fc.nat(6) }),
  fc.record({ do: fc.constant('settle' as const), intent: fc.nat(), outcome: fc.nat(4) }),
  fc.record({ do: fc.constant('settle' as const), intent: fc.nat(), outcome: fc.nat(4) }),
  fc.record({ do: fc.constant('restore' as const), intent: fc.nat() }),
  fc.record({ do: fc.constant('orphan' as const), outcome: fc.nat(4) }),
  // A 412 after a timeout can journal a block twice: any entry but an intent may come again.
  fc.record({ do: fc.constant('repeat' as const), entry: fc.nat() })
);

/** A journal as the engine writes one: intents before whatever refers to them. */
function journalOf(steps: readonly Step[]): JournalEntry[] {
  const entries: JournalEntry[] = [];
  const intents: string[] = [];
  for (const [i, s] of steps.entries()) {
    const id = `e${i}`;
    const at = new Date(Date.UTC(2026, 10, 1, 10, 0, i)).toISOString();
    if (s.do === 'decide') {
      const wave = WAVES[s.wave];
      entries.push({
        kind: 'wave-decision',
        id,
        at,
        approvalId: `approval-${s.approval}`,
        waveNumber: wave.number,
        waveDigest: wave.digest,
        decision: s.approved ? 'approved' : 'rejected',
        by: `approver-${s.by}`,
      });
    } else if (s.do === 'other-decision') {
      entries.push({
        kind: 'approval-decision',
        id,
        at,
        approvalId: `approval-${s.approval}`,
        subject: 'assign',
        digest: 'x',
        decision: 'approved',
        by: 'approver-1',
        requestedBy: 'admin',
      });
    } else if (s.do === 'intend') {
      const wave = WAVES[s.wave];
      entries.push({
        kind: 'removal-intended',
        id,
        at,
        waveNumber: wave.number,
        waveDigest: wave.digest,
        userId: `user-${s.user}`,
        skuId: s.user % 2 === 0 ? 'ems' : 'e3',
        disabledPlans: [],
      });
      intents.push(id);
    } else if ((s.do === 'settle' || s.do === 'restore') && intents.length > 0) {
      const intentId = intents[s.intent % intents.length];
      entries.push(
        s.do === 'restore'
          ? { kind: 'restore-intended', id, at, intentId }
          : { kind: 'removal-outcome', id, at, intentId, outcome: OUTCOMES[s.outcome], reason: id }
      );
    } else if (s.do === 'orphan') {
      entries.push({
        kind: 'removal-outcome',
        id,
        at,
        intentId: 'no-such-intent',
        outcome: OUTCOMES[s.outcome],
        reason: '',
      });
    } else if (s.do === 'repeat' && entries.length > 0) {
      const again = entries[s.entry % entries.length];
      if (again.kind !== 'removal-intended') entries.push(again);
    }
  }
  return entries;
}

/** Each in-flight intent's latest "unknown, re-checking", as the reconciling reads it from the entries. */
function latestUnknown(entries: readonly JournalEntry[]): Map<string, string> {
  const at = new Map<string, string>();
  for (const e of entries)
    if (e.kind === 'removal-outcome' && e.outcome === 'unknown') at.set(e.intentId, e.at);
  return at;
}

const journals = fc.array(step, { maxLength: 80 }).map(journalOf);

describe('the journal summary, folded entry by entry', () => {
  it('answers what the whole journal answers: removals in flight, wave tallies, decisions', () => {
    fc.assert(
      fc.property(journals, (entries) => {
        const summary = JournalSummary.of(entries);
        const unknownAt = latestUnknown(entries);
        const restoring = new Set(
          entries.flatMap((e) => (e.kind === 'restore-intended' ? [e.intentId] : []))
        );
        expect(summary.inFlight().map((f) => f.intent)).toEqual(inFlightRemovals(entries));
        for (const f of summary.inFlight()) {
          expect(f.unknownAt).toBe(unknownAt.get(f.intent.id) ?? null);
          expect(f.restoring).toBe(restoring.has(f.intent.id));
        }
        expect(summary.waveTallies()).toEqual(waveTallies(entries));
        expect(summary.decisions()).toEqual(
          entries.filter((e) => e.kind === 'wave-decision' || e.kind === 'approval-decision')
        );
        for (const { digest } of WAVES) {
          expect(summary.isWaveApproved(digest)).toBe(isWaveApproved(entries, digest));
          expect(summary.awaitingPutBack(digest)).toBe(awaitingPutBack(entries, digest));
          expect(summary.inFlight(digest).map((f) => f.intent)).toEqual(
            inFlightRemovals(entries).filter((i) => i.waveDigest === digest)
          );
        }
        for (let n = 0; n < 6; n++)
          expect(summary.hasDecisionOn(`approval-${n}`)).toBe(
            entries.some(
              (e) =>
                (e.kind === 'wave-decision' || e.kind === 'approval-decision') &&
                e.approvalId === `approval-${n}`
            )
          );
      }),
      { numRuns: 300 }
    );
  });

  it("folds one wave's removals as the journal is read to what its whole journal says, by user", () => {
    fc.assert(
      fc.property(journals, (entries) => {
        for (const { digest } of WAVES) {
          const fold = new WaveRemovalsFold(digest);
          for (const entry of entries) fold.add(entry);
          const expected = new Map<string, unknown[]>();
          for (const intent of removedIntentsOf(entries, digest))
            expected.set(intent.userId, [
              ...(expected.get(intent.userId) ?? []),
              {
                intentId: intent.id,
                userId: intent.userId,
                skuId: intent.skuId,
                disabledPlans: intent.disabledPlans,
              },
            ]);
          expect([...fold.byUser()]).toEqual([...expected]);
        }
      }),
      { numRuns: 300 }
    );
  });

  it("gives one wave's entries, from which its settled keys and removals are what the whole journal says", async () => {
    await fc.assert(
      fc.asyncProperty(journals, async (entries) => {
        const journal = new InMemoryJournal();
        for (const entry of entries) await journal.append(entry);
        for (const { digest } of WAVES) {
          const wave = await journal.waveEntries(digest);
          expect(settledKeysOf(wave, digest)).toEqual(settledKeysOf(entries, digest));
          expect(removedIntentsOf(wave, digest)).toEqual(removedIntentsOf(entries, digest));
          const fold = new SettledKeysFold(digest, (await journal.summary()).decisions());
          for (const entry of entries) fold.add(entry);
          expect(fold.result()).toEqual(settledKeysOf(entries, digest));
        }
        expect(await removedAssignmentsIn(journal)).toEqual(removedAssignments(entries));
      }),
      { numRuns: 200 }
    );
  });
});
