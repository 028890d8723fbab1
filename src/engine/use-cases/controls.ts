import type { ApprovalRequest, Person } from '../../domain/approvals';
import { rollbackSummary } from '../../domain/approval-summaries';
import {
  followUpAgain,
  paused,
  resumed,
  type ControlOutcome,
} from '../../domain/migration-controls';
import type { MigrationRecord } from '../../domain/migration-record';
import {
  nothingToRollBack,
  rollbackRefusal,
  withRollbackRequest,
} from '../../domain/sign-off-requests';
import { reprocessMembersInError } from '../list-license-errors';
import { updateRecord } from '../update-record';
import type { Access } from './access';
import type { MigrationEngineDependencies } from './engine-dependencies';
import { MigrationRefusal, refuseIf } from './migration-refusal';
import type { MigrationReads } from './reads';
import { askForSignOff } from './requests';

/**
 * What admins do to work under way: pause and resume it, roll a wave back (behind its own sign-off),
 * check a wave's users again now, and have Entra ID process members in license error again.
 */
export class Controls {
  constructor(
    private readonly deps: MigrationEngineDependencies,
    private readonly access: Access,
    private readonly reads: MigrationReads
  ) {}

  async pause(by: Person): Promise<void> {
    await this.access.requireAdmin(by, 'pause the migration');
    await this.change((record) => paused(record, by, this.deps.now()));
  }

  async resume(by: Person): Promise<void> {
    await this.access.requireAdmin(by, 'resume the migration');
    await this.change(resumed);
    this.deps.wake();
  }

  /** `followup N`: checks wave N's users again now (after fixing what its follow-up found). */
  async followUpNow(by: Person, waveNumber: number): Promise<void> {
    await this.access.requireAdmin(by, 'run a follow-up');
    await this.change((record) => followUpAgain(record, waveNumber, by, this.deps.now()));
    this.deps.wake();
  }

  /** Phase 7: asks for the sign-off to put back everything wave N removed. */
  async requestRollback(by: Person, waveNumber: number): Promise<ApprovalRequest> {
    await this.access.requireAdmin(by, 'roll a wave back');
    const wave = await this.reads.wave(waveNumber);
    refuseIf(rollbackRefusal(wave));
    const tally = (await this.deps.journal.summary())
      .waveTallies()
      .find((t) => t.waveDigest === wave.digest);
    if (!tally || tally.removed === 0) throw new MigrationRefusal(nothingToRollBack(waveNumber));
    return askForSignOff(
      this.deps,
      {
        subject: { kind: 'rollback', waveNumber, digest: wave.digest },
        summary: rollbackSummary(waveNumber, tally.removed),
        by,
      },
      withRollbackRequest
    );
  }

  /** `reprocess`: Entra ID is asked to process again the group members in license error. */
  async reprocess(by: Person): Promise<Awaited<ReturnType<typeof reprocessMembersInError>>> {
    await this.access.requireAdmin(by, 'reprocess members in license error');
    return reprocessMembersInError(this.deps.reader, this.deps.groupWriter);
  }

  /** One guarded write: the domain's refusal is said and nothing stored, or its record is. */
  private async change(control: (record: MigrationRecord) => ControlOutcome): Promise<void> {
    await updateRecord(this.deps.store, (record) => {
      const outcome = control(record);
      if (outcome.refused !== undefined) throw new MigrationRefusal(outcome.refused);
      return { record: outcome.record, result: undefined };
    });
  }
}
