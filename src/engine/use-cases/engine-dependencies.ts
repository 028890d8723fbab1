import type { Journal } from '../ports/journal';
import { expireDue, type MigrationRecord } from '../../domain/migration-record';
import type { DirectoryMembership } from '../ports/directory-membership';
import type { GroupWriter } from '../ports/group-writer';
import type { MigrationStore } from '../ports/migration-store';
import { updateRecord } from '../update-record';
import type { Notifier } from '../ports/notifier';
import type { WaveContents } from '../ports/wave-contents';
import type { PlanMembersStore } from '../ports/plan-members';
import type { PreflightDependencies } from '../preflight';
import type { ReportStore } from '../ports/report-store';
import type { TenantReader } from '../ports/tenant-reader';

export interface MigrationSettings {
  /** Members may run mutating commands; null: nobody may. */
  readonly adminGroupId: string | null;
  /** Members may approve; null: nobody may. */
  readonly approverGroupId: string | null;
  /** How long an approval request stays open. */
  readonly approvalTtlMs: number;
}

/** The ports and settings the use cases share; the composition root (src/start-bot.ts) fills them. */
export interface MigrationEngineDependencies {
  readonly reader: TenantReader;
  /** For `reprocess`; everything else that changes the tenant runs in the MigrationRunner. */
  readonly groupWriter: GroupWriter;
  readonly journal: Journal;
  readonly store: MigrationStore;
  /** Each wave's frozen contents, read only by the steps that need them (never `status`). */
  readonly waveContents: WaveContents;
  /** The approved group plan's members, read only by the steps that add them (never `status`). */
  readonly planMembers: PlanMembersStore;
  readonly membership: DirectoryMembership;
  readonly notifier: Notifier;
  /** Where `report` puts its CSV; null where the bot keeps no blobs. */
  readonly reports: ReportStore | null;
  /** `doctor`: every pre-flight check, none of which changes anything. */
  readonly preflight: PreflightDependencies;
  readonly settings: MigrationSettings;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Told when approved work is waiting: the runner picks it up in the background. */
  readonly wake: () => void;
}

/** The record as it stands now, with requests whose time has passed shown expired. */
export async function currentRecord(
  deps: Pick<MigrationEngineDependencies, 'store' | 'now'>
): Promise<MigrationRecord> {
  return expireDue((await deps.store.read()).record, deps.now());
}

/** Stores what `currentRecord` shows: expired requests marked so. */
export async function persistExpiry(
  deps: Pick<MigrationEngineDependencies, 'store' | 'now'>
): Promise<void> {
  await updateRecord(deps.store, (record) => ({
    record: expireDue(record, deps.now()),
    result: undefined,
  }));
}
