import type { MigrationRecord, StoredWave } from '../domain/migration-record';
import { inlineContentsToMove, withContentsMovedOut } from '../domain/wave-metadata';
import { waveDigest, type Wave, type WaveEntry } from '../domain/waves';
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
  const entries = await contents.read(wave.digest);
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

/** Users' principal names by id, from the contents of the waves given. */
export async function userNamesIn(
  contents: WaveContents,
  waves: readonly StoredWave[]
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const wave of waves)
    for (const entry of await contentsOf(contents, wave))
      names.set(entry.userId, entry.userPrincipalName);
  return names;
}

/** The users in the waves given (ids in lower case), from their contents. */
export async function userIdsIn(
  contents: WaveContents,
  waves: readonly StoredWave[]
): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const wave of waves)
    for (const entry of await contentsOf(contents, wave)) ids.add(entry.userId.toLowerCase());
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
