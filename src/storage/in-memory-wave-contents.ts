import { WaveContentsError, type WaveContents } from '../engine/ports/wave-contents';
import type { WaveEntry } from '../domain/waves';

/** Waves' contents in memory, for tests of one process: kept as the JSON a blob would hold. */
export class InMemoryWaveContents implements WaveContents {
  /** JSON text by digest: a test may change one to play a tampered blob. */
  readonly blobs = new Map<string, string>();
  /** How many reads were asked for (`status` must ask for none). */
  reads = 0;

  async save(digest: string, entries: readonly WaveEntry[]): Promise<void> {
    this.blobs.set(digest, JSON.stringify({ digest, entries }));
  }

  async read(digest: string): Promise<readonly WaveEntry[]> {
    this.reads++;
    const text = this.blobs.get(digest);
    if (text === undefined)
      throw new WaveContentsError(`No wave contents are stored under ${digest.slice(0, 12)}.`);
    return (JSON.parse(text) as { entries: WaveEntry[] }).entries;
  }
}
