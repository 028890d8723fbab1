import type { WaveEntry } from '../../domain/waves';

/**
 * Where each wave's frozen contents live: one blob per wave, named by its digest (content-addressed, so
 * written once and never changed; the same wave proposed again writes the same blob). Stored before the
 * record that names them, so a record never names contents that are not stored.
 */
export interface WaveContents {
  save(digest: string, entries: readonly WaveEntry[]): Promise<void>;
  /** The entries stored under `digest`; throws WaveContentsError when there are none. */
  read(digest: string): Promise<readonly WaveEntry[]>;
  /**
   * Each entry stored under `digest`, as it is read: for a reader that keeps a little of each (ids,
   * names), never the whole wave. Throws WaveContentsError as `read` does.
   */
  forEachEntry(digest: string, visit: (entry: WaveEntry) => void): Promise<void>;
}

/** A wave's contents are missing or are not what its digest names: nothing of it may run. */
export class WaveContentsError extends Error {}
