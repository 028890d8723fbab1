import type { MigrationRecord } from '../../domain/migration-record';

/** The migration record as stored, with the ETag its next write must match. */
export interface StoredRecord {
  readonly record: MigrationRecord;
  /** null when nothing is stored yet. */
  readonly etag: string | null;
}

/** Where the migration record lives: Blob Storage in production. Writes are guarded by ETag. */
export interface MigrationStore {
  read(): Promise<StoredRecord>;
  /** Writes if the stored ETag is still `etag`; throws RecordConflictError if someone wrote since. */
  write(record: MigrationRecord, etag: string | null): Promise<void>;
}

/** Another writer changed the record since it was read: read again and redo the change. */
export class RecordConflictError extends Error {}
