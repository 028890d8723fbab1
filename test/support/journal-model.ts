import { inFlightRemovals, type JournalEntry } from '../../src/domain/journal';
import type { WaveTally } from '../../src/domain/journal-summary';

/**
 * The journal's answers read off the whole array of entries at once: the model the journal summary
 * (src/domain/journal-summary.ts), which folds entries one at a time and keeps few, must agree with. Plain
 * and slow on purpose; production asks the summary only.
 */

type WaveDecision = Extract<JournalEntry, { kind: 'wave-decision' }>;

/** True when the journal records an approval of exactly this wave (its digest) and no later rejection. */
export function isWaveApproved(entries: readonly JournalEntry[], waveDigest: string): boolean {
  const decisions = entries.filter(
    (e): e is WaveDecision => e.kind === 'wave-decision' && e.waveDigest === waveDigest
  );
  return decisions.length > 0 && decisions[decisions.length - 1].decision === 'approved';
}

/**
 * Removals of a wave that took something from a user and whose putting back has not been recorded:
 * those users are waiting for their direct assignment now.
 */
export function awaitingPutBack(entries: readonly JournalEntry[], waveDigest: string): number {
  const restoring = new Set(
    entries.flatMap((e) => (e.kind === 'restore-intended' ? [e.intentId] : []))
  );
  return inFlightRemovals(entries).filter((i) => i.waveDigest === waveDigest && restoring.has(i.id))
    .length;
}

/** What each wave did, in wave order, with who approved it: each intent counted by its latest known outcome. */
export function waveTallies(entries: readonly JournalEntry[]): WaveTally[] {
  const tallies = new Map<string, WaveTally>();
  const empty = (waveNumber: number, waveDigest: string, approvedBy: string | null) => ({
    waveNumber,
    waveDigest,
    approvedBy,
    removed: 0,
    skipped: 0,
    restored: 0,
    failed: 0,
  });
  for (const e of entries)
    if (e.kind === 'wave-decision' && e.decision === 'approved')
      tallies.set(e.waveDigest, empty(e.waveNumber, e.waveDigest, e.by));
  const intents = new Map(
    entries.flatMap((e) => (e.kind === 'removal-intended' ? [[e.id, e] as const] : []))
  );
  // "Unknown, re-checking" settles nothing; an outcome of no intent counts for no wave.
  const latest = new Map<string, 'removed' | 'skipped' | 'restored' | 'failed'>();
  for (const e of entries)
    if (e.kind === 'removal-outcome' && e.outcome !== 'unknown' && intents.has(e.intentId))
      latest.set(e.intentId, e.outcome);
  for (const [id, intent] of intents) {
    const outcome = latest.get(id);
    if (outcome === undefined) continue;
    const tally =
      tallies.get(intent.waveDigest) ?? empty(intent.waveNumber, intent.waveDigest, null);
    tallies.set(intent.waveDigest, { ...tally, [outcome]: tally[outcome] + 1 });
  }
  return [...tallies.values()].sort((a, b) => a.waveNumber - b.waveNumber);
}
