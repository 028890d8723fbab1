import type { ContainerClient } from '@azure/storage-blob';
import type { WaveEntry } from '../domain/waves';
import { WaveContentsError, type WaveContents } from '../engine/ports/wave-contents';
import { ContentAddressedBlobs } from './content-addressed-blob';
import {
  forEachStoredEntry,
  UnreadableWaveContents,
  waveContentsText,
} from './wave-contents-lines';

const PREFIX = 'migration/waves/';

/**
 * Each wave's contents as a block blob of its own beside the migration record, named by its digest, in
 * JSON lines (wave-contents-lines.ts). Content-addressed: the same name always holds the same contents,
 * so no ETag guards it and writing it again (the same wave proposed again) changes nothing. The engine
 * checks the digest of what is read.
 */
export class BlobWaveContents implements WaveContents {
  private readonly blobs: ContentAddressedBlobs;

  constructor(container: ContainerClient) {
    this.blobs = new ContentAddressedBlobs(container, PREFIX);
  }

  save(digest: string, entries: readonly WaveEntry[]): Promise<void> {
    return this.blobs.saveText(
      digest,
      () => waveContentsText(digest, entries),
      'application/x-ndjson'
    );
  }

  async forEachEntry(digest: string, visit: (entry: WaveEntry) => void): Promise<void> {
    const stream = await this.blobs.stream(digest);
    if (stream === null)
      throw new WaveContentsError(
        `No wave contents are stored under ${digest.slice(0, 12)} (${this.blobs.nameOf(digest)}).`
      );
    try {
      await forEachStoredEntry(stream as AsyncIterable<Buffer>, visit);
    } catch (error) {
      if (!(error instanceof UnreadableWaveContents)) throw error;
      throw new WaveContentsError(
        `The wave contents stored under ${digest.slice(0, 12)} are not readable (${error.message}): the blob was changed.`
      );
    }
  }
}
