import type { JournalEntry } from '../../src/domain/journal';
import type { Journal } from '../../src/engine/ports/journal';

/** Every entry of a journal, in order: for tests that look at all of it (the engine never does). */
export async function allEntries(journal: Journal): Promise<JournalEntry[]> {
  const all: JournalEntry[] = [];
  await journal.forEachEntry((entry) => all.push(entry));
  return all;
}

/** A journal's reads, handed on to another: for test journals that change only how appends go. */
export const readsOf = (
  journal: Journal
): Pick<Journal, 'summary' | 'waveEntries' | 'forEachEntry'> => ({
  summary: () => journal.summary(),
  waveEntries: (digest) => journal.waveEntries(digest),
  forEachEntry: (visit) => journal.forEachEntry(visit),
});
