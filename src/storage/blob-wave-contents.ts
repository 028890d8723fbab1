import type { ContainerClient } from '@azure/storage-blob';
import type { WaveEntry } from '../domain/waves';
import { WaveContentsError, type WaveContents } from '../engine/ports/wave-contents';
import { ContentAddressedBlobs } from './content-addressed-blob';

const PREFIX = 'migration/waves/';

/**
 * Each wave's contents as a block blob of its own beside the migration record, named by its digest.
 * Content-addressed: the same name always holds the same contents, so no ETag guards it and writing it
 * again (the same wave proposed again) changes nothing. The engine checks the digest of what is read.
 */
export class BlobWaveContents implements WaveContents {
  private readonly blobs: ContentAddressedBlobs;

  constructor(container: ContainerClient) {
    this.blobs = new ContentAddressedBlobs(container, PREFIX);
  }

  save(digest: string, entries: readonly WaveEntry[]): Promise<void> {
    return this.blobs.save(digest, { entries });
  }

  async read(digest: string): Promise<readonly WaveEntry[]> {
    const text = await this.blobs.text(digest);
    if (text === null)
      throw new WaveContentsError(
        `No wave contents are stored under ${digest.slice(0, 12)} (${this.blobs.nameOf(digest)}).`
      );
    try {
      const entries = (JSON.parse(text) as { entries?: unknown }).entries;
      if (!Array.isArray(entries)) throw new Error('no entries');
      return sharingAlike(entries as WaveEntry[]);
    } catch {
      throw new WaveContentsError(
        `The wave contents stored under ${digest.slice(0, 12)} are not readable: the blob was changed.`
      );
    }
  }
}

/**
 * The entries as parsed, with one copy of each SKU id and each set of disabled plans shared by every
 * entry alike: a wave of a few hundred thousand users holds one of each, not one per user (~25 MB at
 * 363,000). Changed in place: nothing else holds what was just parsed.
 */
function sharingAlike(entries: WaveEntry[]): WaveEntry[] {
  const shared = new Map<string, string | readonly string[]>();
  const share = <T extends string | readonly string[]>(key: string, value: T): T => {
    const known = shared.get(key) as T | undefined;
    if (known !== undefined) return known;
    shared.set(key, value);
    return value;
  };
  for (const entry of entries as { skuId: unknown; disabledPlans: unknown }[]) {
    if (typeof entry.skuId === 'string') entry.skuId = share(entry.skuId, entry.skuId);
    if (Array.isArray(entry.disabledPlans))
      entry.disabledPlans = share(JSON.stringify(entry.disabledPlans), entry.disabledPlans);
  }
  return entries;
}
