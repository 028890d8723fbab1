import { waveDigest, type Wave, type WaveEntry } from './waves';

/**
 * What the migration record keeps of a wave's contents: counts and a few names for its cards, never the
 * contents themselves (at 100,000 users they are megabytes, and `status` reads the record on every call).
 */

/** Users' names a wave's cards show; the rest are "and N more". */
export const WAVE_SAMPLE_SIZE = 10;

/** A stored wave as far as its contents go (migration-record.ts's StoredWave). */
interface StoredContents {
  readonly digest: string;
  readonly userCount: number;
  readonly assignmentCount?: number;
  readonly sample?: readonly string[];
  readonly entries?: readonly WaveEntry[];
}

export interface WaveMetadata {
  readonly digest: string;
  readonly userCount: number;
  readonly assignmentCount: number;
  readonly sample: readonly string[];
}

/** A frozen wave's metadata, for the record. */
export function waveMetadata(wave: Pick<Wave, 'digest' | 'userCount' | 'entries'>): WaveMetadata {
  return {
    digest: wave.digest,
    userCount: wave.userCount,
    assignmentCount: wave.entries.length,
    sample: sampleOf(wave.entries),
  };
}

/** The direct assignments in a wave (counted from inline contents in a record written before blobs). */
export const assignmentsIn = (wave: StoredContents): number =>
  wave.assignmentCount ?? wave.entries?.length ?? 0;

/** A few of the wave's users' names (from inline contents in a record written before blobs). */
export const usersSampleOf = (wave: StoredContents): readonly string[] =>
  wave.sample ?? sampleOf(wave.entries ?? []);

function sampleOf(entries: readonly WaveEntry[]): string[] {
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.size >= WAVE_SAMPLE_SIZE) break;
    names.add(entry.userPrincipalName);
  }
  return [...names];
}

/**
 * Inline contents a record written before blobs carries, whose digest proves them (those are the ones
 * that may be stored under their digest); null when there are none to move.
 */
export function inlineContentsToMove(wave: StoredContents): readonly WaveEntry[] | null {
  return wave.entries && waveDigest(wave.entries) === wave.digest ? wave.entries : null;
}

/** The wave without its inline contents, once they are in their blob: metadata in their place. */
export function withContentsMovedOut<W extends StoredContents>(wave: W): Omit<W, 'entries'> {
  if (!wave.entries) return wave;
  const { entries, ...rest } = wave;
  return { ...rest, ...waveMetadata({ digest: wave.digest, userCount: wave.userCount, entries }) };
}
