/**
 * The journal: every intended change written before it is sent and its outcome after. It is the rollback
 * source and the audit trail; after a crash, an intent without an outcome is reconciled with fresh reads.
 */

import type { JournalEntry } from './journal-entry';

export type { JournalEntry, RemovalOutcome } from './journal-entry';

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
