import type { StockRequest } from '../../domain/stock-requests';
import type { Journal } from '../ports/journal';
import type { DirectoryWriter } from '../ports/directory-writer';
import type { MembershipWaitOptions } from '../dynamic-group-proof';
import type { GroupWriter } from '../ports/group-writer';
import type { MigrationStore } from '../ports/migration-store';
import type { Notifier } from '../ports/notifier';
import type { WaveContents } from '../ports/wave-contents';
import type { PlanMembersStore } from '../ports/plan-members';
import type { ReadBackOptions } from '../read-until-fresh';
import type { RunnerLease } from '../ports/runner-lease';
import type { TenantReader } from '../ports/tenant-reader';

/** What every job of the runner is given: the ports, the clock and the settings. */
export interface JobDependencies {
  readonly reader: TenantReader;
  readonly groupWriter: GroupWriter;
  readonly directoryWriter: DirectoryWriter;
  readonly journal: Journal;
  readonly store: MigrationStore;
  /** Each wave's frozen contents, read only by the steps that need them (never `status`). */
  readonly waveContents: WaveContents;
  /** The approved group plan's members, read only by the steps that add them (never `status`). */
  readonly planMembers: PlanMembersStore;
  readonly notifier: Notifier;
  /** Only the lease holder runs approved work; several instances may share the storage. */
  readonly lease: RunnerLease;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly log: (line: string) => void;
  readonly approvalTtlMs: number;
  /** The soak period: how long after a wave its users are checked again (its follow-up). */
  readonly followUpAfterMs: number;
  /** Polling and patience for group license processing. */
  readonly processing?: {
    readonly pollMs?: number;
    readonly timeoutMs?: number;
    /** How often the audit log (5 requests / 10 s per app) and members' states are read at most. */
    readonly auditEveryMs?: number;
  };
  /** Patience for Entra to compute a new dynamic group's members (its shadow's proof). */
  readonly membershipWait?: MembershipWaitOptions;
  /** Reads again while Entra's replicas may lag behind a write (the waits add up to the lag bound). */
  readonly readBack?: ReadBackOptions;
  /** How long to wait before trying again after a step failed (Graph or storage unreachable). */
  readonly retryMs?: number;
  /**
   * Takes stock after a step beside the work that follows (the runner's); absent, a step takes it
   * before it returns.
   */
  readonly takeStockBeside?: (request: StockRequest) => void;
}
