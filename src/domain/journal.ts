/**
 * The journal: every intended change written before it is sent and its outcome after. It is the rollback
 * source and the audit trail; after a crash, an intent without an outcome is reconciled with fresh reads.
 */

import type { JournalEntry } from './journal-entry';
import type { JournalSummary } from './journal-summary';

export type { JournalEntry, RemovalOutcome } from './journal-entry';

/** Where the journal lives: durable storage in production, memory in unit tests. */
export interface Journal {
  append(entry: JournalEntry): Promise<void>;
  /** Several entries in one durable write, where the storage can (a round trip's intents). */
  appendMany?(entries: readonly JournalEntry[]): Promise<void>;
  /**
   * The journal folded so far (decisions, removals in flight, each wave's tally), caught up with
   * storage: only what was appended since the last call is read. Not the entries: at 500,000 users
   * they would not fit in memory.
   */
  summary(): Promise<JournalSummary>;
  /**
   * One wave's entries in journal order: its decisions, its intents and the outcomes and restore
   * intents that refer to them. Read afresh from storage each call, not kept: ask once per job.
   */
  waveEntries(waveDigest: string): Promise<readonly JournalEntry[]>;
  /** Visits every entry in journal order without keeping them (the report). */
  forEachEntry(visit: (entry: JournalEntry) => void): Promise<void>;
}

/** Removal intents with no outcome yet, or only "unknown": in flight, to settle from fresh reads. */
export function inFlightRemovals(entries: readonly JournalEntry[]) {
  const settled = new Set(
    entries.flatMap((e) =>
      e.kind === 'removal-outcome' && e.outcome !== 'unknown' ? [e.intentId] : []
    )
  );
  return entries.filter(
    (e): e is Extract<JournalEntry, { kind: 'removal-intended' }> =>
      e.kind === 'removal-intended' && !settled.has(e.id)
  );
}
