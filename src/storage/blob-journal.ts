import type { AppendBlobClient, ContainerClient } from '@azure/storage-blob';
import type { JournalEntry } from '../domain/journal';
import type { Journal } from '../engine/ports/journal';
import { JournalSummary, WaveEntryFilter } from '../domain/journal-summary';
import { statusOf } from './blob-container';

/** An append blob takes 50,000 blocks; a new one is started well before. */
const BLOCKS_PER_BLOB = 45_000;
/** A 412 means another writer's block went first; each retry reads it and tries after it. */
const ATTEMPTS = 40;
/** Blobs are read this much at a time: never one buffer or string the size of the journal. */
const RANGE_BYTES = 4 * 1024 * 1024;

export interface BlobJournalOptions {
  /** How much of a blob one read asks for (4 MB; smaller in tests, to split lines across reads). */
  readonly rangeBytes?: number;
}
/** Ids of the latest entries kept at least, to recognise our own block after a 412. */
const TAIL = 64;
const blobName = (n: number) => `journal/${String(n).padStart(5, '0')}.jsonl`;

/**
 * The journal as append blobs of JSON lines. An append is one atomic `appendBlock` at the position this
 * instance has read up to, so an entry is durable when `append` returns, entries are never reordered,
 * and two writers cannot overwrite each other (the second gets 412 and appends after reading the first).
 * What was read is folded into a summary and not kept (at 500,000 users the entries are over a million
 * objects): reading again fetches and folds only what is new. A wave's entries are read afresh, a range
 * at a time. Our own (not botbuilder storage) because that has no append: a journal of 200,000 entries
 * would be rewritten on every change.
 */
export class BlobJournal implements Journal {
  private readonly folded = new JournalSummary();
  /** The ids of the last entries folded, oldest first. */
  private tail: string[] = [];
  private current = 1;
  /** Bytes of the current blob already folded into the summary. */
  private offset = 0;
  private blocks = 0;
  /** One operation at a time: reading and appending both move `offset`. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Operations queued or under way. */
  private busy = 0;

  private readonly rangeBytes: number;

  constructor(
    private readonly container: ContainerClient,
    options: BlobJournalOptions = {}
  ) {
    this.rangeBytes = options.rangeBytes ?? RANGE_BYTES;
  }

  async append(entry: JournalEntry): Promise<void> {
    await this.appendMany([entry]);
  }

  /** Appends entries together, in one block: all of them are durable, or none. */
  appendMany(entries: readonly JournalEntry[]): Promise<void> {
    return this.serially(() => this.appendNow(entries));
  }

  summary(): Promise<JournalSummary> {
    return this.serially(async () => {
      await this.catchUp(TAIL);
      return this.folded;
    });
  }

  /**
   * While a wave runs its appends follow each other closely: a `status` turn queued behind them waited
   * for all of them (a second at worst, measured). It answers with what is folded instead; the append under way
   * catches up with storage before it writes, so what it shows is at most that append behind.
   */
  summaryWithoutWaiting(): Promise<JournalSummary> {
    return this.busy > 0 ? Promise.resolve(this.folded) : this.summary();
  }

  async waveEntries(waveDigest: string): Promise<readonly JournalEntry[]> {
    const filter = new WaveEntryFilter(waveDigest);
    const kept: JournalEntry[] = [];
    await this.forEachEntry((entry) => {
      if (filter.keeps(entry)) kept.push(entry);
    });
    return kept;
  }

  /** Reads every blob from its start, a range at a time; nothing read is kept here. */
  async forEachEntry(visit: (entry: JournalEntry) => void): Promise<void> {
    for (let n = 1; ; n++) {
      const blob = this.container.getAppendBlobClient(blobName(n));
      const size = await sizeOf(blob);
      if (size === null) return;
      await readLines(blob, 0, size, this.rangeBytes, (entries) => entries.forEach(visit));
    }
  }

  /** Every entry, read afresh: for tests and tools (the engine asks for a summary or one wave). */
  async entries(): Promise<readonly JournalEntry[]> {
    const all: JournalEntry[] = [];
    await this.forEachEntry((entry) => all.push(entry));
    return all;
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    this.busy += 1;
    const result = this.queue.then(operation).finally(() => (this.busy -= 1));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async appendNow(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const data = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
    for (let attempt = 1; ; attempt++) {
      await this.catchUp(entries.length);
      if (this.blocks >= BLOCKS_PER_BLOB) this.startNextBlob();
      const blob = this.container.getAppendBlobClient(blobName(this.current));
      try {
        if (this.offset === 0) await this.ensureBlob();
        const answer = await blob.appendBlock(data, data.length, {
          conditions: { appendPosition: this.offset },
        });
        this.offset += data.length;
        this.blocks = answer.blobCommittedBlockCount ?? this.blocks + 1;
        this.fold(entries, entries.length);
        return;
      } catch (error) {
        // 412: someone appended since we read; read it and append after it (a random pause breaks lockstep).
        if (statusOf(error) !== 412 || attempt >= ATTEMPTS) throw error;
        // Or it was our own block, committed before a timeout made the SDK send it again.
        await this.catchUp(entries.length);
        const tail = this.tail.slice(-entries.length);
        if (tail.length === entries.length && tail.every((id, i) => id === entries[i].id)) return;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      }
    }
  }

  /** Folds entries into the summary, remembering the last ids (at least `keep` of them). */
  private fold(entries: readonly JournalEntry[], keep: number): void {
    for (const entry of entries) {
      this.folded.add(entry);
      this.tail.push(entry.id);
    }
    const limit = Math.max(TAIL, keep);
    if (this.tail.length > 2 * limit) this.tail = this.tail.slice(-limit);
  }

  /** Reads whatever was appended since the last read, across blobs: one request when nothing is new. */
  private async catchUp(keep: number): Promise<void> {
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
      if (size > this.offset)
        await readLines(blob, this.offset, size, this.rangeBytes, (entries, bytes) => {
          this.fold(entries, keep);
          this.offset += bytes;
        });
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

/** A blob's length, or null when it does not exist. */
async function sizeOf(blob: AppendBlobClient): Promise<number | null> {
  try {
    return (await blob.getProperties()).contentLength ?? 0;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/**
 * Reads the complete lines between two positions of a blob, a range at a time, and hands each range's
 * entries over with the bytes they took. Blocks are appended whole, so the data ends with a line break;
 * a partial line would wait for the next read. A range is parsed whole before it is handed over, so a
 * bad line cannot leave half a range behind.
 */
async function readLines(
  blob: AppendBlobClient,
  from: number,
  to: number,
  rangeBytes: number,
  take: (entries: JournalEntry[], bytes: number) => void
): Promise<void> {
  let carry: Buffer = Buffer.alloc(0);
  for (let position = from; position < to;) {
    const length = Math.min(rangeBytes, to - position);
    const range = await blob.downloadToBuffer(position, length);
    position += length;
    const data = carry.length > 0 ? Buffer.concat([carry, range]) : range;
    const end = data.lastIndexOf(0x0a) + 1;
    carry = Buffer.from(data.subarray(end));
    if (end === 0) continue;
    const entries = data
      .toString('utf8', 0, end)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as JournalEntry);
    take(entries, end);
  }
}
