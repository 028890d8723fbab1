import type { MigrationRecord } from '../domain/migration-record';
import { RecordConflictError, type MigrationStore } from './ports/migration-store';

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
