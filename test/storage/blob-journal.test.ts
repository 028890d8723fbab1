import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../src/demo/azurite';
import type { JournalEntry } from '../../src/domain/journal';
import { BlobJournal } from '../../src/storage/blob-journal';
import { BlobMigrationStore } from '../../src/storage/blob-migration-store';
import { NEW_MIGRATION_RECORD } from '../../src/domain/migration-record';
import { RecordConflictError } from '../../src/engine/ports/migration-store';

const entry = (id: string): JournalEntry => ({
  kind: 'wave-decision',
  id,
  at: '2026-11-24T10:00:00Z',
  waveNumber: 1,
  waveDigest: 'd',
  decision: 'approved',
  by: 'Zoë Ångström', // not only ASCII: lengths are bytes
});

describe('the journal and the record in Azure Blob Storage (Azurite)', () => {
  let azurite: RunningAzurite;
  let container: ContainerClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'journal-test'
    );
  });
  afterAll(async () => {
    await azurite.stop();
  });

  it('keeps every entry exactly once, in one order, when two instances append at the same time', async () => {
    const a = new BlobJournal(container);
    const b = new BlobJournal(container);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 3 === 0 ? b.append(entry(`b${i}`)) : a.appendMany([entry(`a${i}`), entry(`a${i}+`)])
      )
    );
    const fromA = (await a.entries()).map((e) => e.id);
    const fromB = (await b.entries()).map((e) => e.id);
    const fresh = (await new BlobJournal(container).entries()).map((e) => e.id);
    expect(fromA).toEqual(fresh);
    expect(fromB).toEqual(fresh);
    expect(new Set(fresh).size).toBe(fresh.length);
    expect(fresh).toHaveLength(14 + 26 * 2);
    // Entries appended together stay together.
    expect(fresh[fresh.indexOf('a1') + 1]).toBe('a1+');
  });

  it('writes the record only on the ETag it read, and creates it only if nobody else did', async () => {
    const one = new BlobMigrationStore(container);
    const two = new BlobMigrationStore(container);
    const first = await one.read();
    const second = await two.read();
    await one.write({ ...first.record, paused: null }, first.etag);
    await expect(two.write(second.record, second.etag)).rejects.toThrow(RecordConflictError);
    const now = await two.read();
    await two.write({ ...NEW_MIGRATION_RECORD, waves: [] }, now.etag);
    await expect(one.write(first.record, now.etag)).rejects.toThrow(RecordConflictError);
    // Unchanged since: the record is not downloaded again (the same object comes back).
    expect((await two.read()).record).toBe((await two.read()).record);
  });
});
