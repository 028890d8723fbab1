import type { MigrationRecord, StoredWave } from '../domain/migration-record';
import { inlineContentsToMove, withContentsMovedOut } from '../domain/wave-metadata';
import { waveDigest, type Wave, type WaveEntry } from '../domain/waves';
import { CompactUserIds, type UserIds } from '../domain/user-id-set';
import { WaveContentsError, type WaveContents } from './ports/wave-contents';

/** Stores every wave's contents (before the record naming them is written). */
export async function saveWaves(contents: WaveContents, waves: readonly Wave[]): Promise<void> {
  for (const wave of waves) await contents.save(wave.digest, wave.entries);
}

/**
 * The wave's exact contents: inline in a record written before blobs, else its blob, checked against
 * its digest so that other contents never run under a wave's approval.
 */
export async function contentsOf(
  contents: WaveContents,
  wave: Pick<StoredWave, 'number' | 'digest' | 'entries'>
): Promise<readonly WaveEntry[]> {
  if (wave.entries) return wave.entries;
  const entries: WaveEntry[] = [];
  await contents.forEachEntry(wave.digest, (entry) => entries.push(entry));
  if (waveDigest(entries) !== wave.digest)
    throw new WaveContentsError(
      `Wave ${wave.number}'s stored contents do not match its digest ${wave.digest.slice(0, 12)} (the blob was changed): nothing of it was run. Propose the waves again with \`waves\`.`
    );
  return entries;
}

/** The wave with its contents in hand, as a step that runs it takes it. */
export async function withContents(
  contents: WaveContents,
  wave: StoredWave
): Promise<StoredWave & Wave> {
  return { ...wave, entries: await contentsOf(contents, wave) };
}

/**
 * Each entry of a wave, as it is read, for a reader that keeps a little of each (a name, an id): never the
 * whole wave. Its digest is not checked, which would mean holding it: what is read so is only shown or
 * counted (names in a report, who is in no wave), never acted on; a wave that runs is read by contentsOf.
 */
async function forEachEntryOf(
  contents: WaveContents,
  wave: Pick<StoredWave, 'digest' | 'entries'>,
  visit: (entry: WaveEntry) => void
): Promise<void> {
  if (wave.entries) wave.entries.forEach((entry) => visit(entry));
  else await contents.forEachEntry(wave.digest, visit);
}

/** Users' principal names by id, from the contents of the waves given (`only` those users, if given). */
export async function userNamesIn(
  contents: WaveContents,
  waves: readonly StoredWave[],
  only: (userId: string) => boolean = () => true
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const wave of waves)
    await forEachEntryOf(contents, wave, (entry) => {
      if (only(entry.userId)) names.set(entry.userId, entry.userPrincipalName);
    });
  return names;
}

/** The users in the waves given, from their contents (asked about without regard to case). */
export async function userIdsIn(
  contents: WaveContents,
  waves: readonly StoredWave[]
): Promise<UserIds> {
  const ids = new CompactUserIds();
  for (const wave of waves) await forEachEntryOf(contents, wave, (entry) => ids.add(entry.userId));
  return ids;
}

/**
 * A record about to be written, its waves' inline contents (a record written before blobs) stored in
 * their blobs first and left out of it; the same record when there are none.
 */
export async function withInlineContentsMoved(
  record: MigrationRecord,
  contents: WaveContents
): Promise<MigrationRecord> {
  let moved = false;
  const waves: StoredWave[] = [];
  for (const wave of record.waves) {
    const inline = inlineContentsToMove(wave);
    if (inline) {
      await contents.save(wave.digest, inline);
      moved = true;
    }
    waves.push(inline ? withContentsMovedOut(wave) : wave);
  }
  return moved ? { ...record, waves } : record;
}
