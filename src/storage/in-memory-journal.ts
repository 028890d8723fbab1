import type { JournalEntry } from '../domain/journal';
import type { Journal } from '../engine/ports/journal';
import { JournalSummary, WaveEntryFilter } from '../domain/journal-summary';

/** A journal in memory, for unit tests only: state that must survive a restart lives in Blob Storage. */
export class InMemoryJournal implements Journal {
  private readonly list: JournalEntry[] = [];
  private readonly folded = new JournalSummary();

  async append(entry: JournalEntry): Promise<void> {
    this.list.push(entry);
    this.folded.add(entry);
  }

  async summary(): Promise<JournalSummary> {
    return this.folded;
  }

  async waveEntries(waveDigest: string): Promise<readonly JournalEntry[]> {
    const filter = new WaveEntryFilter(waveDigest);
    return this.list.filter((e) => filter.keeps(e));
  }

  async forEachEntry(visit: (entry: JournalEntry) => void): Promise<void> {
    for (const entry of [...this.list]) visit(entry);
  }

  /** Every entry, for tests to look at. */
  async entries(): Promise<readonly JournalEntry[]> {
    return [...this.list];
  }
}
