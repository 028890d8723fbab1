import type { ContainerClient } from '@azure/storage-blob';
import { statusOf } from './blob-container';
import { streamText } from './blob-migration-store';

/**
 * JSON blobs named by the digest of what they hold (a wave's contents, a group plan's members), beside
 * the migration record under `prefix`. Content-addressed: the same name always holds the same content,
 * so no ETag guards it and writing it again changes nothing; the engine checks the digest of what is read.
 */
export class ContentAddressedBlobs {
  constructor(
    private readonly container: ContainerClient,
    private readonly prefix: string
  ) {}

  nameOf(digest: string): string {
    return `${this.prefix}${digest}.json`;
  }

  /** Stores `content` under `digest` (the container made if it is not there yet). */
  async save(digest: string, content: object): Promise<void> {
    const body = Buffer.from(JSON.stringify({ digest, ...content }), 'utf8');
    const upload = () =>
      this.container.getBlockBlobClient(this.nameOf(digest)).upload(body, body.length, {
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

  /** The text stored under `digest`; null when nothing is. */
  async text(digest: string): Promise<string | null> {
    try {
      const download = await this.container.getBlockBlobClient(this.nameOf(digest)).download();
      return await streamText(download.readableStreamBody);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }
}
