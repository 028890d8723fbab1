import {
  decide,
  type ApprovalRequest,
  type ApprovalSubject,
  type DecisionRefused,
  type Person,
} from '../domain/approvals';
import { WaveTallyCounter, waveTallies, type WaveTally } from '../domain/done-report';
import { utc } from '../domain/follow-up';
import type { Journal } from '../domain/journal';
import {
  describeWaveStatus,
  expireDue,
  migrationStage,
  newApproval,
  openGiveBacks,
  planDigest,
  replaceProposedWaves,
  waveBlocker,
  withApproval,
  withWave,
  type MigrationRecord,
  type StoredWave,
} from '../domain/migration-record';
import type { GroupChoiceArgument } from '../domain/commands';
import { assignSummary, nothingToAssign } from '../domain/assign-summary';
import { GroupChoiceError } from '../domain/dynamic-choice';
import {
  ReleaseWindowError,
  parseReleaseWindow,
  type ReleaseWindow,
} from '../domain/release-window';
import { WaveSizeError, defaultWaveSizes, parseWaveSizes, splitIntoWaves } from '../domain/waves';
import type { DirectoryMembership } from './directory-membership';
import { approvalConditions, intendedGroupsOf, nextWaveRequest } from './migration-requests';
import { journalDecision } from './journal-decision';
import { updateRecord, type MigrationStore } from './migration-store';
import type { ApprovalConditions, Notifier } from './notifier';
import { PROOF_PENDING, provenDecided } from './dynamic-group-proof';
import { assignPlan, planWithSubjects, recordGroupChoice } from './group-choice';
import type { TenantReader } from './tenant-reader';
import { verifyDirectRemovals } from './verify-removals';

export interface MigrationSettings {
  /** Members may run mutating commands; null: nobody may. */
  readonly adminGroupId: string | null;
  /** Members may approve; null: nobody may. */
  readonly approverGroupId: string | null;
  /** How long an approval request stays open. */
  readonly approvalTtlMs: number;
}

export interface MigrationServiceDependencies {
  readonly reader: TenantReader;
  readonly journal: Journal;
  readonly store: MigrationStore;
  readonly membership: DirectoryMembership;
  readonly notifier: Notifier;
  readonly settings: MigrationSettings;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Told when approved work is waiting: the runner picks it up in the background. */
  readonly wake: () => void;
}

/** A request the migration turns down; the message says why and what to do. Nothing was changed. */
export class MigrationRefusal extends Error {}

export type DecisionOutcome =
  | { readonly accepted: true; readonly request: ApprovalRequest }
  | {
      readonly accepted: false;
      readonly refusal: DecisionRefused;
      /** The request as it stands (null if the card named none we know). */
      readonly request: ApprovalRequest | null;
      /** The open request for the same thing, when the clicked card is out of date. */
      readonly current: ApprovalRequest | null;
    };

export interface MigrationStatus {
  readonly record: MigrationRecord;
  readonly stage: string;
  readonly tallies: readonly WaveTally[];
  /** When it was read: when each wave runs is said against it. */
  readonly now: Date;
}

/**
 * The migration as the people who run it see it: requests that need an approval, the decisions on them,
 * pause and resume, and what stands. Teams (and tests) call it; approved work runs in the MigrationRunner.
 * Who may do what is checked here, against the directory, at the moment of asking.
 */
export class MigrationService {
  private readonly tallies = new WaveTallyCounter();

  constructor(private readonly deps: MigrationServiceDependencies) {}

  async isAdmin(person: Person): Promise<boolean> {
    const group = this.deps.settings.adminGroupId;
    return group !== null && (await this.deps.membership.isMember(person.id, group));
  }

  async isApprover(person: Person): Promise<boolean> {
    const group = this.deps.settings.approverGroupId;
    return group !== null && (await this.deps.membership.isMember(person.id, group));
  }

  async status(): Promise<MigrationStatus> {
    const record = await this.record();
    return {
      record,
      stage: migrationStage(record, this.deps.now()),
      tallies: this.tallies.update(await this.deps.journal.entries()),
      now: this.deps.now(),
    };
  }

  async approval(id: string): Promise<ApprovalRequest | null> {
    return (await this.record()).approvals.find((a) => a.id === id) ?? null;
  }

  /** A request with what stands in its way now, as its card shows it. */
  async approvalView(
    id: string
  ): Promise<{ request: ApprovalRequest; conditions: ApprovalConditions } | null> {
    const record = await this.record();
    const request = record.approvals.find((a) => a.id === id);
    return request
      ? { request, conditions: approvalConditions(record, request, this.deps.now()) }
      : null;
  }

  async wave(number: number): Promise<StoredWave> {
    const record = await this.record();
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

  /** Phase 3's approval card: the plan as it stands, what populating it would change, frozen by digest. */
  async requestAssign(by: Person): Promise<ApprovalRequest> {
    await this.requireAdmin(by, 'start the group assignment');
    const before = await this.record();
    if (before.assign?.status === 'running')
      throw new MigrationRefusal('The group assignment is already running; see `status`.');
    this.refuseWhileWavesRun(before, 'assign groups');
    if (before.assign?.proof?.status === 'awaiting-approval')
      throw new MigrationRefusal(PROOF_PENDING);
    const { plan, subjects } = await planWithSubjects(this.deps.reader);
    const { groups, ...chosen } = assignPlan(plan, subjects, before.dynamicChoices ?? []);
    const nothing = nothingToAssign(plan, groups);
    if (nothing) throw new MigrationRefusal(nothing);
    const summary = assignSummary(plan, groups, chosen);
    const request = newApproval(
      this.deps.newId(),
      { kind: 'assign', digest: planDigest(groups) },
      summary,
      by,
      this.deps.now(),
      this.deps.settings.approvalTtlMs
    );
    await updateRecord(this.deps.store, (record) => {
      const previous = record.assign;
      // Checked again on the record being written: an approval may have landed while planning.
      if (previous?.status === 'running')
        throw new MigrationRefusal('The group assignment is already running; see `status`.');
      if (previous?.proof?.status === 'awaiting-approval')
        throw new MigrationRefusal(PROOF_PENDING);
      this.refuseWhileWavesRun(record, 'assign groups');
      let next = withApproval(record, request);
      if (previous?.status === 'awaiting-approval') next = supersede(next, previous.approvalId);
      return {
        record: {
          ...next,
          assign: {
            status: 'awaiting-approval',
            groups,
            digest: request.subject.digest,
            approvalId: request.id,
            ...(chosen.dynamic.length > 0 ? { dynamic: chosen.dynamic } : {}),
          },
        },
        result: undefined,
      };
    });
    await this.deps.notifier.notify({ kind: 'approval-requested', request });
    return request;
  }

  /** `group N dynamic [C]` / `group N static`, before `assign`: see recordGroupChoice. */
  async chooseGroup(by: Person, argument: GroupChoiceArgument) {
    await this.requireAdmin(by, 'choose the kind of licensing group');
    return recordGroupChoice(this.deps, by, argument).catch((error: unknown) => {
      throw error instanceof GroupChoiceError ? new MigrationRefusal(error.message) : error;
    });
  }

  /** Phase 6: freezes the removal waves from a fresh verification and asks for the first one's sign-off. */
  async proposeWaves(
    by: Person,
    sizesText?: string
  ): Promise<{ waves: readonly StoredWave[]; request: ApprovalRequest | null; kept: number }> {
    await this.requireAdmin(by, 'propose removal waves');
    let sizes;
    try {
      sizes = sizesText ? parseWaveSizes(sizesText) : null;
    } catch (error) {
      if (error instanceof WaveSizeError) throw new MigrationRefusal(error.message);
      throw error;
    }
    const before = await this.record();
    if (before.assign?.status === 'running')
      throw new MigrationRefusal(
        'The group assignment is still running: propose waves once its processing is complete.'
      );
    this.refuseWhileWavesRun(before, 'propose new waves');
    const verified = await verifyDirectRemovals(this.deps.reader, intendedGroupsOf(before));
    const kept = verified.users.filter((u) => u.decision === 'skip').length;
    if (verified.candidates.length === 0) {
      throw new MigrationRefusal(
        `No direct assignment can be removed safely yet (${kept} must stay; \`verify\` says why).`
      );
    }
    const users = new Set(verified.candidates.map((c) => c.userId)).size;
    const waves = splitIntoWaves(verified.candidates, sizes ?? defaultWaveSizes(users));
    const wavesBefore = JSON.stringify(before.waves.map((w) => [w.number, w.status]));
    // The record as written comes back from the write: a read after it could fail, and the waves are stored.
    const { request, record } = await updateRecord(this.deps.store, (record) => {
      // The waves were split from a verification of the tenant as it stood; if a wave ran meanwhile,
      // they may repeat its users.
      if (JSON.stringify(record.waves.map((w) => [w.number, w.status])) !== wavesBefore)
        throw new MigrationRefusal(
          'The waves changed while I was verifying the tenant; run `waves` again.'
        );
      const replaced = replaceProposedWaves(record, waves, by);
      const next = nextWaveRequest(
        replaced,
        this.deps.now(),
        this.deps.settings.approvalTtlMs,
        this.deps.newId
      );
      return {
        record: next.record,
        result: { request: next.request, record: expireDue(next.record, this.deps.now()) },
      };
    });
    if (request)
      await this.deps.notifier.notify({
        kind: 'approval-requested',
        request,
        conditions: approvalConditions(record, request, this.deps.now()),
      });
    return {
      waves: record.waves.filter((w) => waves.some((x) => x.digest === w.digest)),
      request,
      kept,
    };
  }

  /** Phase 7: asks for the sign-off to put back everything wave N removed. */
  async requestRollback(by: Person, waveNumber: number): Promise<ApprovalRequest> {
    await this.requireAdmin(by, 'roll a wave back');
    const wave = await this.wave(waveNumber);
    if (wave.status === 'rolled-back')
      throw new MigrationRefusal(`Wave ${waveNumber} is already rolled back.`);
    // A wave between two windows has run too (it is approved, and has started).
    const hasRun =
      ['completed', 'stopped', 'paused'].includes(wave.status) ||
      (wave.status === 'approved' && wave.startedAt !== undefined);
    if (!hasRun)
      throw new MigrationRefusal(
        `Wave ${waveNumber} is ${describeWaveStatus(wave.status)}: only a wave that has run can be rolled back.`
      );
    const tally = waveTallies(await this.deps.journal.entries()).find(
      (t) => t.waveDigest === wave.digest
    );
    if (!tally || tally.removed === 0)
      throw new MigrationRefusal(
        `Wave ${waveNumber} removed nothing, so there is nothing to put back.`
      );
    const request = newApproval(
      this.deps.newId(),
      { kind: 'rollback', waveNumber, digest: wave.digest },
      [
        `Put back the ${tally.removed} direct assignments wave ${waveNumber} removed, each with its original disabled service plans.`,
        'Users whose direct assignment is already back are left as they are.',
      ],
      by,
      this.deps.now(),
      this.deps.settings.approvalTtlMs
    );
    await updateRecord(this.deps.store, (record) => {
      const open = record.approvals.filter(
        (a) =>
          a.status === 'pending' &&
          a.subject.kind === 'rollback' &&
          a.subject.waveNumber === waveNumber
      );
      let next = withApproval(record, request);
      for (const old of open) next = supersede(next, old.id);
      return { record: next, result: undefined };
    });
    await this.deps.notifier.notify({ kind: 'approval-requested', request });
    return request;
  }

  /**
   * An approver's click. Membership is asked of the directory now; the card supplies only which
   * request it showed and its digest. The decision is journaled before it takes effect.
   */
  async decide(
    approvalId: string,
    decision: 'approve' | 'reject',
    by: Person,
    cardDigest: string,
    reason?: string,
    windowText?: string
  ): Promise<DecisionOutcome> {
    const byIsApprover = await this.isApprover(by);
    const at = this.deps.now();
    let window: ReleaseWindow | undefined;
    const badWindow = (message: string, request: ApprovalRequest | null): DecisionOutcome => ({
      accepted: false,
      refusal: { refused: 'bad-window', message },
      request,
      current: null,
    });
    const judge = (record: MigrationRecord): DecisionOutcome => {
      const request = record.approvals.find((a) => a.id === approvalId) ?? null;
      if (!request) {
        return {
          accepted: false,
          refusal: {
            refused: 'stale',
            message: 'This card belongs to no request I know of; nothing was approved.',
          },
          request: null,
          current: null,
        };
      }
      const subject = request.subject;
      if (window && subject.kind !== 'wave')
        return badWindow('A release window applies to removal waves only.', request);
      const decided = decide(request, {
        decision,
        by,
        byIsApprover,
        cardDigest,
        currentDigest: currentDigestOf(record, request),
        reason,
        at,
        blockedBecause: subject.kind === 'wave' ? waveBlocker(record, subject.waveNumber) : null,
        window,
      });
      if ('refused' in decided)
        return {
          accepted: false,
          refusal: decided,
          request,
          current: openRequestFor(record, request.subject),
        };
      return { accepted: true, request: decided };
    };

    const first = judge(await this.record());
    if (!first.accepted) {
      if (first.refusal.refused === 'expired') await this.persistExpiry();
      return first;
    }
    // Only once the click itself counts: who may decide is said before what they typed.
    if (decision === 'approve' && windowText?.trim()) {
      try {
        window = parseReleaseWindow(windowText);
      } catch (error) {
        if (!(error instanceof ReleaseWindowError)) throw error;
        return badWindow(`${error.message} Nothing was approved.`, first.request);
      }
    }
    // Judged again on the record as written (ETag-guarded): of two clicks at the same moment, one wins.
    // Only the winner is journaled; the runner journals it again if this process stops in between.
    const { outcome, record } = await updateRecord(this.deps.store, (stored) => {
      const current = expireDue(stored, at);
      const judged = judge(current);
      const next = judged.accepted ? applyDecision(current, judged.request) : current;
      return { record: next, result: { outcome: judged, record: next } };
    });
    if (!outcome.accepted) return outcome;
    await journalDecision(this.deps.journal, outcome.request, this.deps.newId);
    await this.deps.notifier.notify({
      kind: 'approval-decided',
      request: outcome.request,
      conditions: approvalConditions(record, outcome.request, at),
    });
    if (outcome.request.status === 'approved') this.deps.wake();
    return outcome;
  }

  /** `followup N`: checks wave N's users again now (after fixing what its follow-up found). */
  async followUpNow(by: Person, waveNumber: number): Promise<void> {
    await this.requireAdmin(by, 'run a follow-up');
    await updateRecord(this.deps.store, (record) => {
      const wave = record.waves.find((w) => w.number === waveNumber);
      if (!wave) throw new MigrationRefusal(`There is no wave ${waveNumber}.`);
      if (!wave.followUp || !['completed', 'stopped'].includes(wave.status))
        throw new MigrationRefusal(
          `Wave ${waveNumber} is ${describeWaveStatus(wave.status)}: a follow-up checks a wave that has removed something.`
        );
      const followUp = wave.followUp;
      // The soak period is what lets problems show: it is not cut short (an approver may override).
      if (followUp.status === 'waiting')
        throw new MigrationRefusal(
          Date.parse(followUp.dueAt) <= this.deps.now().getTime()
            ? `Wave ${waveNumber}'s follow-up is running now; its result goes to the channel.`
            : `Wave ${waveNumber}'s follow-up is due at ${utc(followUp.dueAt)}, after its soak period, which is not cut short. An approver can release the next wave before then, with a reason.`
        );
      const restore = record.approvals.find((a) => a.id === followUp.restoreApprovalId);
      if (restore?.status === 'approved' && !restore.doneAt)
        throw new MigrationRefusal(
          `What wave ${waveNumber}'s follow-up found missing is being put back; its users are checked again right after.`
        );
      return {
        record: withWave(
          restore?.status === 'pending' ? supersede(record, restore.id) : record,
          waveNumber,
          (w) => ({
            ...w,
            followUp: {
              dueAt: this.deps.now().toISOString(),
              status: 'waiting',
              ...(followUp.restored ? { restored: followUp.restored } : {}),
              // A restore this check finds needed is asked for by this admin: another person releases it.
              askedBy: by,
            },
          })
        ),
        result: undefined,
      };
    });
    this.deps.wake();
  }

  async pause(by: Person): Promise<void> {
    await this.requireAdmin(by, 'pause the migration');
    await updateRecord(this.deps.store, (record) => {
      if (record.paused)
        throw new MigrationRefusal(
          `Already paused by ${record.paused.by.name} at ${record.paused.at}.`
        );
      if (
        !record.waves.some((w) =>
          ['approved', 'running', 'awaiting-approval', 'proposed'].includes(w.status)
        ) &&
        openGiveBacks(record).length === 0
      )
        throw new MigrationRefusal(
          'No wave, rollback or restore is running or waiting: there is nothing to pause.'
        );
      return {
        record: { ...record, paused: { by, at: this.deps.now().toISOString() } },
        result: undefined,
      };
    });
  }

  async resume(by: Person): Promise<void> {
    await this.requireAdmin(by, 'resume the migration');
    await updateRecord(this.deps.store, (record) => {
      if (!record.paused) throw new MigrationRefusal('Nothing is paused.');
      return {
        record: {
          ...record,
          paused: null,
          waves: record.waves.map((w) =>
            w.status === 'paused' ? { ...w, status: 'approved' } : w
          ),
        },
        result: undefined,
      };
    });
    this.deps.wake();
  }

  /** Refuses a mutating command from anyone outside the admin group, saying so. */
  async requireAdmin(person: Person, toDo: string): Promise<void> {
    if (this.deps.settings.adminGroupId === null)
      throw new MigrationRefusal(
        `No admin group is configured (ADMIN_GROUP_ID), so nobody may ${toDo}.`
      );
    if (!(await this.isAdmin(person)))
      throw new MigrationRefusal(
        `${person.name} is not a member of the migration admins group, so cannot ${toDo}. Reading (\`status\`, \`inventory\`, \`verify\` …) is open to everyone.`
      );
  }

  private refuseWhileWavesRun(record: MigrationRecord, toDo: string): void {
    const busy = record.waves.find((w) => ['approved', 'running', 'paused'].includes(w.status));
    if (busy)
      throw new MigrationRefusal(
        `Wave ${busy.number} is ${describeWaveStatus(busy.status)}; ${toDo} once it has finished.`
      );
  }

  private async record(): Promise<MigrationRecord> {
    return expireDue((await this.deps.store.read()).record, this.deps.now());
  }

  private async persistExpiry(): Promise<void> {
    await updateRecord(this.deps.store, (record) => ({
      record: expireDue(record, this.deps.now()),
      result: undefined,
    }));
  }
}

function supersede(record: MigrationRecord, approvalId: string): MigrationRecord {
  return {
    ...record,
    approvals: record.approvals.map((a) =>
      a.id === approvalId && a.status === 'pending' ? { ...a, status: 'superseded' } : a
    ),
  };
}

/** The digest of the thing a request is about, as it stands in the record now. */
function currentDigestOf(record: MigrationRecord, request: ApprovalRequest): string | null {
  const subject = request.subject;
  if (subject.kind === 'assign') return record.assign?.digest ?? null;
  if (subject.kind === 'license-proven')
    return record.assign?.proof?.approvalId === request.id ? record.assign.proof.digest : null;
  const wave = record.waves.find((w) => w.number === subject.waveNumber);
  // A restore binds to the follow-up's findings; a newer follow-up replaces it.
  if (subject.kind === 'restore')
    return wave?.followUp?.restoreApprovalId === request.id ? subject.digest : null;
  return wave?.digest ?? null;
}

/** The request still open for the same thing (a re-proposed wave's new card). */
function openRequestFor(record: MigrationRecord, subject: ApprovalSubject): ApprovalRequest | null {
  return (
    record.approvals.find(
      (a) =>
        a.status === 'pending' &&
        a.subject.kind === subject.kind &&
        (subject.kind === 'assign' ||
          subject.kind === 'license-proven' ||
          ('waveNumber' in a.subject && a.subject.waveNumber === subject.waveNumber))
    ) ?? null
  );
}

function applyDecision(record: MigrationRecord, request: ApprovalRequest): MigrationRecord {
  const next = withApproval(record, request);
  const approved = request.status === 'approved';
  const subject = request.subject;
  if (subject.kind === 'assign' && next.assign) {
    return { ...next, assign: { ...next.assign, status: approved ? 'running' : 'rejected' } };
  }
  if (subject.kind === 'license-proven' && next.assign?.proof)
    return { ...next, assign: provenDecided(next.assign, approved) };
  if (subject.kind === 'wave') {
    return withWave(next, subject.waveNumber, (w) => ({
      ...w,
      status: approved ? 'approved' : 'rejected',
    }));
  }
  return next;
}
