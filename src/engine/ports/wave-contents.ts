import type { WaveEntry } from '../../domain/waves';

/**
 * Where each wave's frozen contents live: one blob per wave, named by its digest (content-addressed, so
 * written once and never changed; the same wave proposed again writes the same blob). Stored before the
 * record that names them, so a record never names contents that are not stored.
 */
export interface WaveContents {
  save(digest: string, entries: readonly WaveEntry[]): Promise<void>;
  /**
   * Each entry stored under `digest`, in the order stored, as it is read (a reader keeping a little of
   * each never holds the whole wave); throws WaveContentsError when there are none or they are unreadable.
   */
  forEachEntry(digest: string, visit: (entry: WaveEntry) => void): Promise<void>;
}

/** A wave's contents are missing or are not what its digest names: nothing of it may run. */
export class WaveContentsError extends Error {}
