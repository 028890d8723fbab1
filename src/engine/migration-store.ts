import type { MigrationRecord } from '../domain/migration-record';

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

const ATTEMPTS = 5;

/**
 * Reads, changes and writes the record, again from a fresh read when another writer got there first.
 * `change` returns the new record (or the same one to write nothing) and a result for the caller.
 */
export async function updateRecord<T>(
  store: MigrationStore,
  change: (record: MigrationRecord) => { record: MigrationRecord; result: T }
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const stored = await store.read();
    const { record, result } = change(stored.record);
    if (record === stored.record) return result;
    try {
      await store.write(record, stored.etag);
      return result;
    } catch (error) {
      if (!(error instanceof RecordConflictError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
