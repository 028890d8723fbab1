/**
 * The journal: every intended change written before it is sent and its outcome after. It is the rollback
 * source and the audit trail; after a crash, an intent without an outcome is reconciled with fresh reads.
 */

import type { JournalSummary } from './journal-summary';

export type RemovalOutcome =
  /** The direct assignment is gone and the user keeps the license through a group. */
  | 'removed'
  /**
   * Nothing removed by the bot: the pre-check failed and nothing was sent, or the direct assignment was
   * gone before the bot's removal arrived (Graph: "does not have a corresponding license").
   */
  | 'skipped'
  /** Removing lost something; the direct assignment was put back exactly. */
  | 'restored'
  /** The request failed and a fresh read shows the direct assignment is still there. */
  | 'failed'
  /**
   * Unknown, re-checking: the read back still shows the direct assignment, possibly from a replica
   * behind the removal. Still in flight: a later outcome settles it from a read known to be fresh.
   */
  | 'unknown';

export type JournalEntry =
  | {
      readonly kind: 'removal-intended';
      readonly id: string;
      readonly at: string;
      readonly waveNumber: number;
      readonly waveDigest: string;
      readonly userId: string;
      readonly skuId: string;
      /** What a restore puts back. */
      readonly disabledPlans: readonly string[];
    }
  | {
      readonly kind: 'removal-outcome';
      readonly id: string;
      readonly at: string;
      readonly intentId: string;
      readonly outcome: RemovalOutcome;
      readonly reason: string;
    }
  | {
      /** Written before a lost removal is put back: after a crash, says the removal did happen. */
      readonly kind: 'restore-intended';
      readonly id: string;
      readonly at: string;
      readonly intentId: string;
    }
  | {
      readonly kind: 'wave-decision';
      readonly id: string;
      readonly at: string;
      /** The sign-off request decided (absent in entries written by tools and older tests). */
      readonly approvalId?: string;
      readonly waveNumber: number;
      readonly waveDigest: string;
      readonly decision: 'approved' | 'rejected';
      readonly by: string;
      readonly reason?: string;
      /** Approved although this held it up (the previous wave's follow-up); `reason` says why. */
      readonly overrode?: string;
      /** The release window the approval carries, as written. */
      readonly window?: string;
    }
  | {
      /** A decision on anything else that needs approval: the group assignment, a rollback. */
      readonly kind: 'approval-decision';
      readonly id: string;
      readonly at: string;
      readonly approvalId: string;
      readonly subject: string;
      readonly digest: string;
      readonly decision: 'approved' | 'rejected';
      readonly by: string;
      readonly requestedBy: string;
      readonly reason?: string;
    };

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
