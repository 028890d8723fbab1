import type { UserRead } from '../domain/directory-answers';
import type { JournalEntry } from '../domain/journal';
import type { Journal } from './ports/journal';
import type { UserLicenseSnapshot } from '../domain/licenses';
import { isPastLag } from '../domain/read-freshness';
import { errorText } from '../error-text';
import { readUsers } from './directory-calls';
import type { DirectoryWriter } from './ports/directory-writer';
import { readBackOf, readUntilFresh, type ReadBackOptions } from './read-until-fresh';

/**
 * What a rollback and its settling of unfinished removals read and write: the journal (a failure stops the
 * rollback until storage answers) and users read until fresh enough to judge.
 */

/** The journal could not be read or written: nothing more is sent until it answers again. */
export class JournalUnavailableError extends Error {}

export type Intent = Extract<JournalEntry, { kind: 'removal-intended' }>;

/** Each intent's latest outcome: the bot's last write about it and when it was journaled. */
export function latestWrites(entries: readonly JournalEntry[]) {
  const latest = new Map<string, { outcome: string; at: string }>();
  for (const e of entries)
    if (e.kind === 'removal-outcome') latest.set(e.intentId, { outcome: e.outcome, at: e.at });
  return latest;
}

/**
 * Reads these intents' users until each read shows what `shows` expects, or the lag bound has passed
 * since the intent's latest write (`writtenAt`): then the read is fresh, whatever it shows.
 */
export async function readFresh(
  writer: DirectoryWriter,
  intents: readonly Intent[],
  readBack: ReadBackOptions,
  shows: (intent: Intent, user: UserLicenseSnapshot) => boolean,
  writtenAt: (intent: Intent) => string
): Promise<Map<string, UserRead>> {
  const { lagBoundMs, now } = readBackOf(readBack);
  const first = await readUsers(writer, [...new Set(intents.map((i) => i.userId))]);
  return readUntilFresh(
    (ids) => readUsers(writer, ids),
    first,
    (userId, user) =>
      intents
        .filter((i) => i.userId === userId)
        .every((i) => shows(i, user) || isPastLag(writtenAt(i), now(), lagBoundMs)),
    readBack
  );
}

/** One wave's entries (what a rollback reads), or the error that stops the rollback. */
export async function journalEntries(
  journal: Journal,
  waveDigest: string
): Promise<readonly JournalEntry[]> {
  try {
    return await journal.waveEntries(waveDigest);
  } catch (error) {
    throw new JournalUnavailableError(
      `The journal (the bot's storage) could not be read (${errorText(error)}), so nothing was put back yet`
    );
  }
}

export async function journalAppend(
  journal: Journal,
  entries: readonly JournalEntry[]
): Promise<void> {
  try {
    if (journal.appendMany) await journal.appendMany(entries);
    else for (const entry of entries) await journal.append(entry);
  } catch (error) {
    throw new JournalUnavailableError(
      `The journal (the bot's storage) could not be written (${errorText(error)}), so the rest waits until it answers; what was put back stays back`
    );
  }
}
