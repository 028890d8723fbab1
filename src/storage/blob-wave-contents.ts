import type { ContainerClient } from '@azure/storage-blob';
import type { WaveEntry } from '../domain/waves';
import { WaveContentsError, type WaveContents } from '../engine/ports/wave-contents';
import { statusOf } from './blob-container';
import { streamText } from './blob-migration-store';

const PREFIX = 'migration/waves/';

/**
 * Each wave's contents as a block blob of its own beside the migration record, named by its digest.
 * Content-addressed: the same name always holds the same contents, so no ETag guards it and writing it
 * again (the same wave proposed again) changes nothing. The engine checks the digest of what is read.
 */
export class BlobWaveContents implements WaveContents {
  constructor(private readonly container: ContainerClient) {}

  async save(digest: string, entries: readonly WaveEntry[]): Promise<void> {
    const body = Buffer.from(JSON.stringify({ digest, entries }), 'utf8');
    const upload = () =>
      this.container.getBlockBlobClient(nameOf(digest)).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    try {
      await upload();
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      await this.container.createIfNotExists();
      await upload();
    }
  }

  async read(digest: string): Promise<readonly WaveEntry[]> {
    let text: string;
    try {
      const download = await this.container.getBlockBlobClient(nameOf(digest)).download();
      text = await streamText(download.readableStreamBody);
    } catch (error) {
      if (statusOf(error) === 404)
        throw new WaveContentsError(
          `No wave contents are stored under ${digest.slice(0, 12)} (${nameOf(digest)}).`
        );
      throw error;
    }
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

const nameOf = (digest: string): string => `${PREFIX}${digest}.json`;
