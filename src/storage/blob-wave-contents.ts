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
      return entries as WaveEntry[];
    } catch {
      throw new WaveContentsError(
        `The wave contents stored under ${digest.slice(0, 12)} are not readable: the blob was changed.`
      );
    }
  }
}
