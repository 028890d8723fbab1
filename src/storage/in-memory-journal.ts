import type { Journal, JournalEntry } from '../domain/journal';

/** A journal in memory, for unit tests only: state that must survive a restart lives in Blob Storage. */
export class InMemoryJournal implements Journal {
  private readonly list: JournalEntry[] = [];

  async append(entry: JournalEntry): Promise<void> {
    this.list.push(entry);
  }

  async entries(): Promise<readonly JournalEntry[]> {
    return [...this.list];
  }
}
