import { WaveContentsError, type WaveContents } from '../engine/ports/wave-contents';
import type { WaveEntry } from '../domain/waves';
import {
  forEachStoredEntry,
  UnreadableWaveContents,
  waveContentsText,
} from './wave-contents-lines';

/** Waves' contents in memory, for tests of one process: kept as the text a blob would hold. */
export class InMemoryWaveContents implements WaveContents {
  /** The stored text by digest: a test may change one to play a tampered blob. */
  readonly blobs = new Map<string, string>();
  /** How many reads were asked for (`status` must ask for none). */
  reads = 0;

  async save(digest: string, entries: readonly WaveEntry[]): Promise<void> {
    this.blobs.set(digest, [...waveContentsText(digest, entries)].join(''));
  }

  async forEachEntry(digest: string, visit: (entry: WaveEntry) => void): Promise<void> {
    this.reads++;
    const text = this.blobs.get(digest);
    if (text === undefined)
      throw new WaveContentsError(`No wave contents are stored under ${digest.slice(0, 12)}.`);
    try {
      await forEachStoredEntry([text], visit);
    } catch (error) {
      if (!(error instanceof UnreadableWaveContents)) throw error;
      throw new WaveContentsError(
        `The wave contents stored under ${digest.slice(0, 12)} are not readable (${error.message}).`
      );
    }
  }
}
