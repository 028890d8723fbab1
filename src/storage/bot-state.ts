import { MemoryStorage, type Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { ManagedIdentityCredential } from '@azure/identity';
import type { StorageSettings } from '../config';
import type { Journal } from '../engine/ports/journal';
import type { MigrationStore } from '../engine/ports/migration-store';
import { SoleInstanceLease, type RunnerLease } from '../engine/ports/runner-lease';
import type { WaveContents } from '../engine/ports/wave-contents';
import type { PlanMembersStore } from '../engine/ports/plan-members';
import { STORAGE_PIPELINE, openService } from './blob-container';
import { BlobJournal } from './blob-journal';
import { BlobMigrationStore } from './blob-migration-store';
import { BlobRunnerLease } from './blob-runner-lease';
import { BlobWaveContents } from './blob-wave-contents';
import { BlobPlanMembers } from './blob-plan-members';
import { InMemoryJournal } from './in-memory-journal';
import { InMemoryWaveContents } from './in-memory-wave-contents';
import { InMemoryPlanMembers } from './in-memory-plan-members';
import { RecoveringStorage } from './recovering-storage';
import { BlobReportStore, type ReportStore } from './report-blobs';
import { StorageMigrationStore } from './storage-migration-store';

/** Everything the bot keeps: bot and conversation state, the migration record, the journal, the lease. */
export interface BotState {
  /** botbuilder storage: the messages already taken, the notification channel, card locations. */
  readonly storage: Storage;
  readonly store: MigrationStore;
  /** Each wave's frozen contents, a blob of their own beside the record. */
  readonly waveContents: WaveContents;
  /** The approved group plan's members, a blob of their own beside the record. */
  readonly planMembers: PlanMembersStore;
  readonly journal: Journal;
  readonly lease: RunnerLease;
  /** Where `report` puts its CSV; null where the bot keeps no blobs (tests in memory). */
  readonly reports: ReportStore | null;
}

/**
 * Azure Blob Storage for all of it, in one container: botbuilder's blob storage for documents, append
 * blobs for the journal, a blob per wave's contents and one for the group plan's members, a blob lease for the runner.
 */
export function openBlobState(settings: StorageSettings, log: (line: string) => void): BotState {
  const service = openService(settings);
  const container = service.getContainerClient(settings.container);
  const storage = new RecoveringStorage(() =>
    settings.kind === 'connection-string'
      ? new BlobsStorage(settings.connectionString, settings.container, {
          storagePipelineOptions: STORAGE_PIPELINE,
        })
      : new BlobsStorage(
          '',
          settings.container,
          { storagePipelineOptions: STORAGE_PIPELINE },
          `${settings.accountUrl}/${settings.container}`,
          new ManagedIdentityCredential(settings.clientId ? { clientId: settings.clientId } : {})
        )
  );
  const waveContents = new BlobWaveContents(container);
  const planMembers = new BlobPlanMembers(container);
  return {
    storage,
    store: new BlobMigrationStore(container, waveContents, planMembers),
    waveContents,
    planMembers,
    journal: new BlobJournal(container),
    lease: new BlobRunnerLease(container, log),
    reports: new BlobReportStore(
      service,
      container,
      settings.kind === 'connection-string' ? 'account-key' : 'user-delegation'
    ),
  };
}

/** State in memory, for tests of one process that do not restart it (reports, if any, in blobs). */
export function memoryState(reports: ReportStore | null = null): BotState {
  const storage = new MemoryStorage();
  const waveContents = new InMemoryWaveContents();
  const planMembers = new InMemoryPlanMembers();
  return {
    storage,
    store: new StorageMigrationStore(storage, waveContents, planMembers),
    waveContents,
    planMembers,
    journal: new InMemoryJournal(),
    lease: new SoleInstanceLease(),
    reports,
  };
}
