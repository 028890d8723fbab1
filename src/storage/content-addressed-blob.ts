import type { ContainerClient } from '@azure/storage-blob';
import { Readable } from 'node:stream';
import { statusOf } from './blob-container';
import { streamText } from './blob-migration-store';

/** Blocks of an upload as it streams: two in flight at most. */
const UPLOAD_BLOCK_BYTES = 4 * 1024 * 1024;

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
    await this.inContainer(() =>
      this.container.getBlockBlobClient(this.nameOf(digest)).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      })
    );
  }

  /**
   * Stores the text `pieces()` gives under `digest`, uploaded as the pieces come (a few MB in hand at a
   * time, not the whole text and its bytes). `pieces` is called again if the container had to be made.
   */
  async saveText(
    digest: string,
    pieces: () => Iterable<string>,
    contentType: string
  ): Promise<void> {
    await this.inContainer(() =>
      this.container
        .getBlockBlobClient(this.nameOf(digest))
        .uploadStream(Readable.from(pieces()), UPLOAD_BLOCK_BYTES, 2, {
          blobHTTPHeaders: { blobContentType: contentType },
        })
    );
  }

  /** An upload, made again once the container is made if it was not there yet (404). */
  private async inContainer(upload: () => Promise<unknown>): Promise<void> {
    try {
      await upload();
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      await this.container.createIfNotExists();
      await upload();
    }
  }

  /** The bytes stored under `digest` as they download; null when nothing is. */
  async stream(digest: string): Promise<NodeJS.ReadableStream | null> {
    try {
      const download = await this.container.getBlockBlobClient(this.nameOf(digest)).download();
      return download.readableStreamBody ?? Readable.from([]);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /** The text stored under `digest`; null when nothing is. */
  async text(digest: string): Promise<string | null> {
    const stream = await this.stream(digest);
    return stream === null ? null : streamText(stream);
  }
}
