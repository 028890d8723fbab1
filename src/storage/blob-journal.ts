import type { ContainerClient } from '@azure/storage-blob';
import type { Journal, JournalEntry } from '../domain/journal';
import { statusOf } from './blob-container';

/** An append blob takes 50,000 blocks; a new one is started well before. */
const BLOCKS_PER_BLOB = 45_000;
/** A 412 means another writer's block went first; each retry reads it and tries after it. */
const ATTEMPTS = 40;
const blobName = (n: number) => `journal/${String(n).padStart(5, '0')}.jsonl`;

/**
 * The journal as append blobs of JSON lines. An append is one atomic `appendBlock` at the position this
 * instance has read up to, so an entry is durable when `append` returns, entries are never reordered,
 * and two writers cannot overwrite each other (the second gets 412 and appends after reading the first).
 * Entries already read are kept, so reading again fetches only what is new.
 * Our own (not botbuilder storage) because that has no append: a journal of 200,000 entries would be
 * rewritten on every change.
 */
export class BlobJournal implements Journal {
  private readonly known: JournalEntry[] = [];
  private current = 1;
  /** Bytes of the current blob already read into `known`. */
  private offset = 0;
  private blocks = 0;
  /** One operation at a time: reading and appending both move `offset`. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly container: ContainerClient) {}

  async append(entry: JournalEntry): Promise<void> {
    await this.appendMany([entry]);
  }

  /** Appends entries together, in one block: all of them are durable, or none. */
  appendMany(entries: readonly JournalEntry[]): Promise<void> {
    return this.serially(() => this.appendNow(entries));
  }

  entries(): Promise<readonly JournalEntry[]> {
    return this.serially(async () => {
      await this.catchUp();
      // Not copied (200,000 entries at scale): callers only read, and appends only ever add at the end.
      return this.known;
    });
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async appendNow(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const data = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
    for (let attempt = 1; ; attempt++) {
      await this.catchUp();
      if (this.blocks >= BLOCKS_PER_BLOB) this.startNextBlob();
      const blob = this.container.getAppendBlobClient(blobName(this.current));
      try {
        if (this.offset === 0) await this.ensureBlob();
        const answer = await blob.appendBlock(data, data.length, {
          conditions: { appendPosition: this.offset },
        });
        this.offset += data.length;
        this.blocks = answer.blobCommittedBlockCount ?? this.blocks + 1;
        this.known.push(...entries);
        return;
      } catch (error) {
        // 412: someone appended since we read; read it and append after it (a random pause breaks lockstep).
        if (statusOf(error) !== 412 || attempt >= ATTEMPTS) throw error;
        // Or it was our own block, committed before a timeout made the SDK send it again.
        await this.catchUp();
        const tail = this.known.slice(-entries.length).map((e) => e.id);
        if (tail.length === entries.length && tail.every((id, i) => id === entries[i].id)) return;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      }
    }
  }

  /** Reads whatever was appended since the last read, across blobs: one request when nothing is new. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const blob = this.container.getAppendBlobClient(blobName(this.current));
      let size: number;
      try {
        const properties = await blob.getProperties();
        size = properties.contentLength ?? 0;
        this.blocks = properties.blobCommittedBlockCount ?? this.blocks;
      } catch (error) {
        if (statusOf(error) === 404) return; // Not started yet.
        throw error;
      }
      if (size > this.offset) {
        const text = (await blob.downloadToBuffer(this.offset, size - this.offset)).toString(
          'utf8'
        );
        // Blocks are appended whole, so the text ends with a line break; a partial line would wait.
        const complete = text.slice(0, text.lastIndexOf('\n') + 1);
        // Parsed whole before any is kept, so a bad line cannot leave half a read behind.
        const parsed = complete
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as JournalEntry);
        for (const entry of parsed) this.known.push(entry); // not push(...): 250,000 arguments overflow
        this.offset += Buffer.byteLength(complete, 'utf8');
      }
      if (this.blocks < BLOCKS_PER_BLOB || !(await this.nextBlobExists())) return;
      this.startNextBlob();
    }
  }

  private startNextBlob(): void {
    this.current += 1;
    this.offset = 0;
    this.blocks = 0;
  }

  private async nextBlobExists(): Promise<boolean> {
    return this.container.getAppendBlobClient(blobName(this.current + 1)).exists();
  }

  private async ensureBlob(): Promise<void> {
    await this.container.createIfNotExists();
    await this.container
      .getAppendBlobClient(blobName(this.current))
      .createIfNotExists({ blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
  }
}
