import type { JournalEntry } from '../../domain/journal-entry';
import type { JournalSummary } from '../../domain/journal-summary';

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
   * For what people read (`status`): the summary without queueing behind an append or read already
   * under way in this process, which brings it up to date as it ends. It holds every append that
   * returned; another instance's entries may show one such operation late. Decisions use `summary`.
   */
  summaryWithoutWaiting?(): Promise<JournalSummary>;
  /**
   * One wave's entries in journal order: its decisions, its intents and the outcomes and restore
   * intents that refer to them. Read afresh from storage each call, not kept: ask once per job.
   */
  waveEntries(waveDigest: string): Promise<readonly JournalEntry[]>;
  /** Visits every entry in journal order without keeping them (the report). */
  forEachEntry(visit: (entry: JournalEntry) => void): Promise<void>;
}
