import type { Storage } from 'botbuilder';
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

const KEY = 'migration/record';

/** botbuilder storage reports an ETag mismatch only in its message. */
export const isETagConflict = (error: unknown): boolean =>
  error instanceof Error && /eTag conflict|precondition|412/i.test(error.message);

/**
 * The migration record in botbuilder storage (Azure Blob Storage in production, the same interface in
 * memory for tests): one document, every write guarded by the ETag it was read with.
 */
export class StorageMigrationStore implements MigrationStore {
  constructor(
    private readonly storage: Storage,
    /** Where a record written with its waves' contents inline moves them on its next write. */
    private readonly contents: WaveContents | null = null,
    /** Where a record written with its group plan's ids inline moves them on its next write. */
    private readonly planMembers: PlanMembersStore | null = null
  ) {}

  async read(): Promise<StoredRecord> {
    const item = (await this.storage.read([KEY]))[KEY] as
      { record: MigrationRecord; eTag?: string } | undefined;
    if (!item) return { record: NEW_MIGRATION_RECORD, etag: null };
    return { record: { ...NEW_MIGRATION_RECORD, ...item.record }, etag: item.eTag ?? null };
  }

  async write(given: MigrationRecord, etag: string | null): Promise<void> {
    const wavesMoved = this.contents ? await withInlineContentsMoved(given, this.contents) : given;
    const record = this.planMembers
      ? await withInlineMembersMoved(wavesMoved, this.planMembers)
      : wavesMoved;
    try {
      // No ETag for the first write: botbuilder storage has no create-only mode.
      await this.storage.write({ [KEY]: { record, ...(etag ? { eTag: etag } : {}) } });
    } catch (error) {
      if (isETagConflict(error))
        throw new RecordConflictError('The migration record changed since it was read.');
      throw error;
    }
  }
}
