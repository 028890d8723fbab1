import { StringDecoder } from 'node:string_decoder';
import type { ContainerClient } from '@azure/storage-blob';
import { NEW_MIGRATION_RECORD, type MigrationRecord } from '../domain/migration-record';
import {
  RecordConflictError,
  type MigrationStore,
  type StoredRecord,
} from '../engine/ports/migration-store';
import type { WaveContents } from '../engine/ports/wave-contents';
import { withInlineContentsMoved } from '../engine/wave-contents';
import type { PlanMembersStore } from '../engine/ports/plan-members';
import { withInlineMembersMoved } from '../engine/plan-members';
import { statusOf } from './blob-container';

const BLOB = 'migration/record.json';

/**
 * The migration record as one block blob. Every write is conditional: on the ETag read, or for the first
 * one on there being no blob yet, so two instances never overwrite each other's change.
 * Our own rather than botbuilder storage, which cannot write "only if absent" or read "only if changed".
 * Waves' contents are blobs of their own (`contents`): the record holds only their metadata, so a read
 * that must parse it stays small at any tenant size; a record written before that carries them inline
 * until its next write, which moves them out.
 */
export class BlobMigrationStore implements MigrationStore {
  /** The last record read, by ETag: records are never changed in place, so it can be handed out again. */
  private cached: StoredRecord | null = null;

  constructor(
    private readonly container: ContainerClient,
    /** Where a record written with its waves' contents inline moves them on its next write. */
    private readonly contents: WaveContents | null = null,
    /** Where a record written with its group plan's ids inline moves them on its next write. */
    private readonly planMembers: PlanMembersStore | null = null
  ) {}

  async read(): Promise<StoredRecord> {
    const blob = this.container.getBlockBlobClient(BLOB);
    const cached = this.cached;
    try {
      // Unchanged since the last read (the usual case: it changes only when a step does): 304, no body.
      const download = await blob.download(0, undefined, {
        conditions: cached?.etag ? { ifNoneMatch: cached.etag } : {},
      });
      const text = (await streamText(download.readableStreamBody)) || '{}';
      const stored = {
        record: { ...NEW_MIGRATION_RECORD, ...(JSON.parse(text) as Partial<MigrationRecord>) },
        etag: download.etag ?? null,
      };
      this.cached = stored;
      return stored;
    } catch (error) {
      if (statusOf(error) === 304 && cached) return cached;
      if (statusOf(error) === 404) return { record: NEW_MIGRATION_RECORD, etag: null };
      throw error;
    }
  }

  async write(record: MigrationRecord, etag: string | null): Promise<void> {
    const wavesMoved = this.contents
      ? await withInlineContentsMoved(record, this.contents)
      : record;
    const moved = this.planMembers
      ? await withInlineMembersMoved(wavesMoved, this.planMembers)
      : wavesMoved;
    const body = Buffer.from(JSON.stringify(moved), 'utf8');
    try {
      if (etag === null) await this.container.createIfNotExists();
      await this.container.getBlockBlobClient(BLOB).upload(body, body.length, {
        conditions: etag === null ? { ifNoneMatch: '*' } : { ifMatch: etag },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 409)
        throw new RecordConflictError('The migration record changed since it was read.');
      throw error;
    }
  }
}

export async function streamText(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  // Decoded as the chunks come: a large blob (a 500,000-user plan's members, ~35 MB) is held as text once,
  // not also as copies of its chunks and their concatenation outside the heap.
  const decoder = new StringDecoder('utf8');
  const pieces: string[] = [];
  for await (const chunk of stream)
    pieces.push(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
  pieces.push(decoder.end());
  return pieces.join('');
}
