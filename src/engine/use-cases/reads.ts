import { dynamicLicensingGroups } from '../../domain/rule-drift';
import type { ApprovalRequest, Person } from '../../domain/approvals';
import { csvLine } from '../../csv';
import type { WaveTally } from '../../domain/done-report';
import { intendedGroupsOf } from '../../domain/intended-groups';
import {
  migrationStage,
  type MigrationRecord,
  type StoredWave,
} from '../../domain/migration-record';
import type { PreflightReport } from '../../domain/preflight';
import { approvalConditions, type ApprovalConditions } from '../../domain/sign-off-requests';
import { REPORT_HEADER, migrationReport } from '../migration-report';
import type { VerifyResult } from '../verify-removals';
import { userNamesIn } from '../wave-contents';
import type { Access } from './access';
import { currentRecord, type MigrationEngineDependencies } from './engine-dependencies';
import { MigrationRefusal } from './migration-refusal';
import { TenantReads } from './tenant-reads';

export interface MigrationStatus {
  readonly record: MigrationRecord;
  readonly stage: string;
  readonly tallies: readonly WaveTally[];
  /** When it was read: when each wave runs is said against it. */
  readonly now: Date;
}

/** A sign-off request with what stands in its way now, as its card shows it. */
export interface ApprovalView {
  readonly request: ApprovalRequest;
  readonly conditions: ApprovalConditions;
}

/** A published report: how many rows, and the link that opens it for a short while. */
export interface PublishedReport {
  readonly rows: number;
  readonly url: string;
  readonly expiresAt: Date;
}

/**
 * What stands: the migration's record, its waves and sign-offs, and the tenant's reads with the
 * migration's plan taken into account. Open to everyone but `report` and `doctor` (admins).
 */
export class MigrationReads extends TenantReads {
  constructor(
    private readonly deps: MigrationEngineDependencies,
    private readonly access: Access
  ) {
    super(deps);
  }

  async status(): Promise<MigrationStatus> {
    const { journal } = this.deps;
    // Not queued behind a running wave's appends: what they write shows in the next `status`.
    const [record, summary] = await Promise.all([
      currentRecord(this.deps),
      journal.summaryWithoutWaiting?.() ?? journal.summary(),
    ]);
    return {
      record,
      stage: migrationStage(record, this.deps.now()),
      tallies: summary.waveTallies(),
      now: this.deps.now(),
    };
  }

  /** A request with what stands in its way now, as its card shows it. */
  async approvalView(id: string): Promise<ApprovalView | null> {
    return viewOf(await currentRecord(this.deps), id, this.deps.now());
  }

  /** Every sign-off still open, as its card shows it (to post once there is a channel). */
  async openApprovalViews(): Promise<ApprovalView[]> {
    const record = await currentRecord(this.deps);
    const now = this.deps.now();
    return record.approvals
      .filter((a) => a.status === 'pending' && new Date(a.expiresAt) > now)
      .map((a) => viewOf(record, a.id, now))
      .filter((v): v is ApprovalView => v !== null);
  }

  async wave(number: number): Promise<StoredWave> {
    const record = await currentRecord(this.deps);
    const wave = record.waves.find((w) => w.number === number);
    if (!wave) {
      throw new MigrationRefusal(
        record.waves.length === 0
          ? `There is no wave ${number}: no waves are proposed yet (\`waves\`).`
          : `There is no wave ${number}; the waves are numbered 1 to ${record.waves.length}.`
      );
    }
    return wave;
  }

  /**
   * Verification against the approved plan's groups, once they are assigned; a dynamic group counts only
   * for users who still match its rule.
   */
  async verifyAsPlanned(): Promise<VerifyResult> {
    const record = await currentRecord(this.deps);
    return this.verify(intendedGroupsOf(record), dynamicLicensingGroups(record.assign));
  }

  /**
   * `report`, for admins: every user's licenses and what the migration decided or did, as a CSV behind a
   * short-lived link; null where the bot keeps no blobs.
   */
  async report(by: Person): Promise<PublishedReport | null> {
    await this.access.requireAdmin(by, "get the report of every user's licenses");
    const reports = this.deps.reports;
    if (!reports) return null;
    const record = await currentRecord(this.deps);
    const names = await userNamesIn(this.deps.waveContents, record.waves);
    let rows = 0;
    const { url, expiresAt } = await reports.publish(async (write) => {
      write(csvLine(REPORT_HEADER));
      rows = await migrationReport(this.deps.reader, this.deps.journal, record, names, (r) =>
        write(csvLine([r.id, r.userPrincipalName, r.skuId, r.decision, r.reason, r.wave ?? '']))
      );
    }, this.deps.now());
    return { rows, url, expiresAt };
  }

  /** `doctor`, for admins: it says which permissions are missing and tells storage and groups apart. */
  async doctor(by: Person): Promise<PreflightReport> {
    await this.access.requireAdmin(by, 'run `doctor`');
    return this.preflight();
  }
}

function viewOf(record: MigrationRecord, id: string, now: Date): ApprovalView | null {
  const request = record.approvals.find((a) => a.id === id);
  return request ? { request, conditions: approvalConditions(record, request, now) } : null;
}
