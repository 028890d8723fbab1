import { afterWaveEvents } from './after-wave-events';
import { findLicenseAutomation } from '../domain/automation';
import { reassignedAfterWaves, removedAssignments, waveTallies } from '../domain/done-report';
import { InventoryTally } from '../domain/inventory';
import type { Journal } from '../domain/journal';
import type { UserLicenseSnapshot } from '../domain/licenses';
import { describeSubject, type ApprovalRequest } from '../domain/approvals';
import {
  GIVE_BACK_RETRY,
  awaitingPutBack,
  giveBackRetryDelayMs,
  owedText,
  retryPromise,
} from '../domain/give-back';
import {
  approvalOf,
  dueFollowUp,
  expireDue,
  followUpRequester,
  openGiveBacks,
  waveBlocker,
  newApproval,
  waveSchedule,
  withApproval,
  withProgressPoint,
  withWave,
  type AssignState,
  type MigrationRecord,
  type StoredWave,
  type WaveResult,
} from '../domain/migration-record';
import { windowAt } from '../domain/release-window';
import type { RemovalContext } from '../domain/removal-safety';
import { dynamicLicensingGroups } from '../domain/rule-drift';
import { errorText } from '../error-text';
import { leftOutSentence } from '../domain/population-audience';
import { isNotFound, readManyUsers } from './directory-calls';
import type { DirectoryWriter } from './directory-writer';
import { needsProof, proveShadowGroups, type MembershipWaitOptions } from './dynamic-group-proof';
import { executeWave } from './execute-wave';
import { followUpWave, restoreDigest } from './follow-up-wave';
import { wavesFrozenAt } from '../domain/waves-frozen';
import { joinersSinceWaves } from '../domain/joiners';
import type { GroupWriter } from './group-writer';
import { listLicenseErrors } from './list-license-errors';
import { restoreSummary } from '../domain/approval-summaries';
import { intendedGroupsOf } from '../domain/intended-groups';
import {
  approvalConditions,
  nextWaveRequest,
  pendingWaveRequest,
} from '../domain/sign-off-requests';
import { updateRecord, type MigrationStore } from './migration-store';
import { journalDecision } from './journal-decision';
import type { Notifier } from './notifier';
import type { RunnerLease } from './runner-lease';
import { isLeaseLost } from './write-fence';
import { populateAndAssign, waitForProcessing } from './populate-and-assign';
import { readBackOf, type ReadBackOptions } from './read-until-fresh';
import { rollbackWave, type RollbackReport } from './rollback-wave';
import type { TenantReader } from './tenant-reader';
import { verifyDirectRemovals } from './verify-removals';

const LOST_LEASE = 'This instance no longer runs the waves; another instance goes on.';
/** Attempts before the group assignment is given up. A wave never is, nor a give-back (rollback, restore). */
const GIVE_UP_AFTER = 5;
const holdsDirectly = (user: UserLicenseSnapshot) =>
  user.licenseAssignmentStates.some((row) => row.assignedByGroup === null);
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Users named in a wave's closing notice; the report lists them all. */
const NOTABLE_ROWS = 10;
/** Follow-up findings kept in the record and shown; the restore covers them all. */
const FINDINGS_KEPT = 100;

export interface MigrationRunnerDependencies {
  readonly reader: TenantReader;
  readonly groupWriter: GroupWriter;
  readonly directoryWriter: DirectoryWriter;
  readonly journal: Journal;
  readonly store: MigrationStore;
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
  /** How often to look for work approved through another instance, or left by one that died. */
  readonly pollMs?: number;
}

/**
 * Runs approved work in the background, one step at a time: the group assignment, then each approved
 * wave, and approved rollbacks. Every step starts from the stored record, so after a restart `wake()`
 * picks up where the last process stopped (a wave reconciles its in-flight removals first).
 */
export class MigrationRunner {
  private running: Promise<void> | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The step in hand, in words, and how to give it up; and how often each has failed in a row. */
  private inHand: { label: string; giveUp?: () => Promise<void>; waveDigest?: string } | null =
    null;
  private readonly failures = new Map<string, number>();
  /**
   * Give-backs (by approval id) whose last pass left something owed: when the next pass is due, how
   * many passes failed in a row, how many were put back so far, and what the channel was last told.
   */
  private readonly owed = new Map<
    string,
    { failedPasses: number; nextAt: number; putBack: number; told: string }
  >();
  /** Whether this process has shown the open sign-off requests since it took the lease. */
  private announced = false;

  constructor(private readonly deps: MigrationRunnerDependencies) {}

  /** Looks for work now and then every `pollMs`. */
  start(): void {
    this.pollTimer = setInterval(() => this.wake(), this.deps.pollMs ?? 5_000);
    this.pollTimer.unref();
    this.wake();
  }

  /** There may be work: run it now, or right after the step in hand. */
  wake(): void {
    // While a failed step waits to be retried, the poll must not retry it sooner (nor count attempts).
    if (this.stopped || this.retryTimer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when no step is running (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.idle();
    await this.deps.lease.release();
  }

  private async loop(): Promise<void> {
    for (;;) {
      this.again = false;
      let worked: boolean;
      try {
        worked = await this.step();
        this.failures.clear();
      } catch (error) {
        await this.stepFailed(error);
        this.retryLater();
        return;
      }
      if (!worked && !this.again) return;
    }
  }

  /**
   * A step failed (Graph or storage unreachable, or refusing). It is tried again later; the channel is
   * told the first time, and the group assignment or a rollback is given up after a few attempts
   * rather than retried for ever. A wave is never given up: it removes nothing while it cannot read.
   */
  private async stepFailed(error: unknown): Promise<void> {
    const work = this.inHand ?? { label: 'a migration step' };
    // Not a failure: a write was held back because another instance holds the lease now; it goes on.
    if (isLeaseLost(error)) {
      this.deps.log(`${capitalize(work.label)} stopped here: ${errorText(error)}`);
      return;
    }
    const attempts = (this.failures.get(work.label) ?? 0) + 1;
    this.failures.set(work.label, attempts);
    this.deps.log(
      `${work.label} failed (attempt ${attempts}): ${error instanceof Error ? error.stack : String(error)}`
    );
    const giveUp = attempts >= GIVE_UP_AFTER && work.giveUp !== undefined;
    if (giveUp) {
      try {
        await work.giveUp?.();
      } catch (again) {
        this.deps.log(`Could not record giving up on ${work.label}: ${errorText(again)}`);
      }
    }
    if (attempts === 1 || giveUp)
      await this.deps.notifier.notify({
        kind: 'problem',
        text: giveUp
          ? `Gave up on ${work.label} after ${attempts} attempts: ${errorText(error)}. Nothing more is tried until an admin asks again.`
          : `${capitalize(work.label)} failed and will be tried again: ${errorText(error)}. ${await this.whatStandsAfter(work.waveDigest)}`,
      });
  }

  /**
   * What a failed step leaves, in true words: for a wave, whether anyone is waiting for a direct
   * assignment a removal took from them to be put back (it is, first, when the wave goes on).
   */
  private async whatStandsAfter(waveDigest: string | undefined): Promise<string> {
    if (!waveDigest) return 'Nothing more is sent until it goes on.';
    let waiting: number;
    try {
      waiting = awaitingPutBack(await this.deps.journal.entries(), waveDigest);
    } catch {
      return 'I could not read the journal to tell whether anyone waits for a license to be put back; when the wave goes on it settles that from fresh reads before removing anything more.';
    }
    if (waiting === 0)
      return 'No removal is sent until it goes on, and it first settles what was in flight from fresh reads.';
    return `${waiting === 1 ? '1 user lost' : `${waiting} users lost`} something when a direct assignment was removed and ${waiting === 1 ? 'waits' : 'wait'} for it to be put back: that is tried first when the wave goes on, before anything more is removed.`;
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.wake();
    }, this.deps.retryMs ?? 30_000);
    this.retryTimer.unref();
  }

  /** One piece of approved work; false when there is none. */
  private async step(): Promise<boolean> {
    this.inHand = null;
    if (this.stopped) return false;
    if (!this.deps.lease.held()) {
      if (!(await this.deps.lease.tryAcquire())) return false;
      // Newly the runner: requests another instance recorded may not have their cards yet.
      this.announced = false;
    }
    await this.expireRequests();
    const { record } = await this.deps.store.read();
    if (!this.announced) {
      // Open requests are shown as they stand now; one whose card never went out (a stop right after
      // it was recorded) is posted.
      this.announced = true;
      for (const request of record.approvals.filter((a) => a.status === 'pending'))
        await this.showCard(record, request);
    }
    if (record.assign?.status === 'running') {
      const approvalId = record.assign.approvalId;
      await this.ensureJournaled(record, approvalId);
      this.inHand = {
        label: 'the group assignment',
        giveUp: () =>
          this.updateAssign(approvalId, (a) => ({
            ...a,
            status: 'failed',
            problem: 'It failed again and again; see the channel.',
          })),
      };
      await this.runAssign(record.assign);
      return true;
    }
    // Give-backs (restores first, then rollbacks) are never given up; only `pause` holds them. One that
    // left something owed waits for its next pass and holds up nothing else meanwhile. A follow-up goes
    // after them and a released wave that may run now, so one that cannot read holds up none of them.
    const giveBacks = openGiveBacks(record);
    const giveBack = record.paused
      ? undefined
      : [...giveBacks.filter((a) => a.subject.kind === 'restore'), ...giveBacks].find(
          (a) => (this.owed.get(a.id)?.nextAt ?? 0) <= this.deps.now().getTime()
        );
    if (giveBack) {
      this.inHand = { label: describeSubject(giveBack.subject) };
      await this.ensureJournaled(record, giveBack.id);
      await this.runGiveBack(record, giveBack);
      return true;
    }
    // A wave being rolled back removes nothing more, even while the rollback waits for its next pass.
    const rollingBack = new Set(
      giveBacks.flatMap((a) => (a.subject.kind === 'rollback' ? [a.subject.waveNumber] : []))
    );
    const released = record.waves.find(
      (w) => (w.status === 'approved' || w.status === 'running') && !rollingBack.has(w.number)
    );
    // An approved wave waits for its window; one that was running goes in only to settle what was in
    // flight (a crash at the window's end), and stops again at once.
    const window = released && approvalOf(record, released)?.window;
    const wave =
      released?.status === 'approved' && window && !windowAt(window, this.deps.now()).open
        ? null
        : released;
    if (wave && !record.paused) {
      this.inHand = { label: `wave ${wave.number}`, waveDigest: wave.digest };
      await this.ensureJournaled(record, wave.approvalId);
      await this.runWave(wave, record);
      return true;
    }
    const due = dueFollowUp(record, this.deps.now());
    if (due) {
      this.inHand = { label: `the follow-up of wave ${due.number}` };
      await this.runFollowUp(due, record);
      return true;
    }
    return false;
  }

  /** Requests whose time passed: recorded as expired, and their cards say so. */
  private async expireRequests(): Promise<void> {
    const expired = await updateRecord(this.deps.store, (record) => {
      const next = expireDue(record, this.deps.now());
      return {
        record: next,
        result: next.approvals.filter(
          (a, i) => a.status === 'expired' && record.approvals[i]?.status === 'pending'
        ),
      };
    });
    for (const request of expired)
      await this.deps.notifier.notify({ kind: 'approval-expired', request });
  }

  /**
   * The record is where approvals are decided; the journal is written just after. If that append was
   * lost (a stop, storage failing), the decision — on a wave, the assignment, a rollback or a restore —
   * is journaled now, before anything it releases is done (executeWave checks a wave's).
   */
  private async ensureJournaled(
    record: MigrationRecord,
    approvalId: string | undefined
  ): Promise<void> {
    const approval = record.approvals.find((a) => a.id === approvalId);
    if (approval?.status !== 'approved') return;
    const entries = await this.deps.journal.entries();
    const journaled = entries.some(
      (e) =>
        (e.kind === 'wave-decision' || e.kind === 'approval-decision') &&
        e.approvalId === approval.id
    );
    if (!journaled) await journalDecision(this.deps.journal, approval, this.deps.newId);
  }

  /**
   * One pass of a give-back. Done, it is recorded and the channel told. Otherwise what is still owed
   * is tried again after a pause that grows (30 s doubling to 15 min), for ever, until everyone is
   * back or an admin pauses; the channel is told what is owed and why whenever that changes.
   */
  private async runGiveBack(record: MigrationRecord, request: ApprovalRequest): Promise<void> {
    const { deps } = this;
    const subject = request.subject;
    if (subject.kind !== 'restore' && subject.kind !== 'rollback') return;
    const what = describeSubject(subject);
    const earlier = this.owed.get(request.id);
    const schedule = deps.retryMs
      ? { firstMs: deps.retryMs, maxMs: deps.retryMs * 30 }
      : GIVE_BACK_RETRY;
    const failedPasses = (earlier?.failedPasses ?? 0) + 1;
    const delay = giveBackRetryDelayMs(failedPasses, schedule);
    const nextAt = deps.now().getTime() + delay;
    let putBack = earlier?.putBack ?? 0;
    let text: string;
    let told: string;
    try {
      const report =
        subject.kind === 'restore'
          ? await this.runRestore(request, subject.waveNumber, putBack)
          : await this.runRollback(request, subject.waveNumber);
      if (!report || report.failed.length === 0) {
        this.owed.delete(request.id);
        return;
      }
      putBack += report.restored.length;
      const names = new Map(
        record.waves
          .find((w) => w.number === subject.waveNumber)
          ?.entries.map((e) => [e.userId, e.userPrincipalName]) ?? []
      );
      const owed = report.failed.map((f) => ({
        userPrincipalName: names.get(f.userId) ?? f.userId,
        reason: f.reason,
      }));
      text = owedText(what, owed, putBack, delay);
      told = JSON.stringify(owed);
    } catch (error) {
      deps.log(
        `${what} failed (pass ${failedPasses}): ${error instanceof Error ? error.stack : String(error)}`
      );
      told = errorText(error);
      text = `${capitalize(what)} could not go on: ${told}. ${putBack > 0 ? `${putBack} put back so far stay back. ` : ''}${retryPromise(delay)}`;
    }
    this.owed.set(request.id, { failedPasses, nextAt, putBack, told });
    if (told !== earlier?.told) await deps.notifier.notify({ kind: 'problem', text });
  }

  private async runAssign(assign: AssignState): Promise<void> {
    const { deps } = this;
    await deps.notifier.notify({
      kind: 'assign-started',
      groups: assign.groups.map((g) => g.displayName),
    });
    if (!assign.groupIds) await this.afterWave(null, 'before the groups');
    if (needsProof(assign)) return proveShadowGroups(deps, assign, () => this.stopped);
    const assignedSince = new Date(deps.now().getTime() - 60_000);
    const known: Record<string, string> = { ...(assign.groupIds ?? {}) };
    const report = await populateAndAssign(
      { groups: assign.groups, newSeats: {}, warnings: [] },
      deps.groupWriter,
      {
        knownGroupIds: known,
        groupKey: assign.approvalId,
        replication: deps.readBack,
        readUsers: (ids) => readManyUsers(deps.directoryWriter, ids),
        isDeleted: isNotFound,
        onGroupReady: async (name, id) => {
          if (known[name] === id) return;
          known[name] = id;
          await this.updateAssign(assign.approvalId, (a) => ({ ...a, groupIds: { ...known } }));
        },
      }
    );
    const names = new Map(Object.entries(known).map(([name, id]) => [id, name]));
    const wait = await waitForProcessing(Object.values(known), deps.groupWriter, {
      ...deps.processing,
      lastWriteAt: report.lastWriteAt,
      lagBoundMs: readBackOf(deps.readBack).lagBoundMs,
      assignedSince,
      assigned: report.groups.filter((g) => g.licenseAssigned).map((g) => g.groupId ?? ''),
      onChange: (groupId, state) =>
        deps.notifier.notify({
          kind: 'group-processing',
          groupName: names.get(groupId) ?? groupId,
          state: state ?? 'unknown',
        }),
    });
    const pending = wait.pending.map((id) => ({
      name: names.get(id) ?? id,
      waitingFor: wait.waitingFor[id] ?? 'its license processing to complete',
    }));
    await this.updateAssign(assign.approvalId, (a) => ({
      ...a,
      groupIds: { ...known },
      status: 'completed',
      finishedAt: deps.now().toISOString(),
      ...(wait.complete
        ? {}
        : {
            problem: `License processing was not complete when I stopped waiting (${pending.map((p) => `${p.name} waited for ${p.waitingFor}`).join('; ')}); \`verify\` shows who is covered.`,
          }),
    }));
    const { record } = await deps.store.read();
    const verified = await verifyDirectRemovals(deps.reader, intendedGroupsOf(record));
    await deps.notifier.notify({
      kind: 'assign-finished',
      groups: report.groups.map((g) => ({
        name: g.displayName,
        membersAdded: g.membersAdded,
        created: g.created,
      })),
      failures: report.failures.length,
      leftOut: leftOutSentence(report.leftOut),
      processingComplete: wait.complete,
      processingPending: pending,
      processingConfirmedBy: wait.confirmedBy,
      verify: verified.summary,
    });
    const errors = await listLicenseErrors(deps.reader);
    if (errors.length > 0) await deps.notifier.notify({ kind: 'license-errors', rows: errors });
    await this.afterWave(null, 'groups assigned');
  }

  private async runWave(wave: StoredWave, record: MigrationRecord): Promise<void> {
    const { deps } = this;
    const startedAt = wave.startedAt ?? deps.now().toISOString();
    const window = approvalOf(record, wave)?.window;
    if (wave.status !== 'running') {
      await this.updateWave(wave.number, (w) => ({ ...w, status: 'running', startedAt }));
      await deps.notifier.notify({
        kind: 'wave-started',
        waveNumber: wave.number,
        users: wave.userCount,
        resumed: wave.startedAt !== undefined,
        schedule: waveSchedule(record, wave, deps.now()),
      });
      await this.updateWaveCard(record, wave.number);
    }
    const context: RemovalContext = {
      skus: new Map((await deps.reader.subscribedSkus()).map((s) => [s.skuId.toLowerCase(), s])),
      groupNames: await deps.reader.licensingGroupNames(),
      intendedGroups: intendedGroupsOf(record),
      // A path through one of them counts only while the user still matches its rule.
      dynamicGroups: dynamicLicensingGroups(record.assign),
    };
    const earlier = await this.resultOf(wave);
    let stopCause: 'lease' | 'paused' | 'window' | null = null;
    const report = await executeWave(wave, context, deps.directoryWriter, deps.journal, {
      now: deps.now,
      readBack: deps.readBack,
      mayWrite: () => {
        if (deps.lease.held() && !this.stopped) return true;
        stopCause = 'lease';
        return false;
      },
      shouldStop: async () => {
        if (!deps.lease.held() || this.stopped) {
          stopCause = 'lease';
          return LOST_LEASE;
        }
        // At the window's end the wave stops after the users in hand, and goes on in the next window.
        if (window && !windowAt(window, deps.now()).open) {
          stopCause = 'window';
          return `Its release window (${window.text}) closed.`;
        }
        const paused = (await deps.store.read()).record.paused;
        if (!paused) return null;
        stopCause = 'paused';
        return `Paused by ${paused.by.name}.`;
      },
      // Progress adds this run's outcomes to what earlier runs of the wave (before a restart) settled.
      onProgress: (progress, done, total) =>
        deps.notifier.notify({
          kind: 'wave-progress',
          waveNumber: wave.number,
          done,
          total,
          result: {
            removed: earlier.removed + progress.removed.length,
            skipped: earlier.skipped + progress.skipped.length,
            restored: earlier.restored + progress.restored.length,
            failed: earlier.failed + progress.failed.length,
            stoppedBecause: progress.stoppedBecause,
          },
        }),
    });
    // Another instance holds the wave now (or this one is shutting down): it records the outcome.
    if (stopCause === 'lease' || report.leaseLost) return;
    // A read back failed: removals are unsettled, so the wave stays running and is tried again.
    if (report.retryable) throw new Error(report.stoppedBecause ?? 'a read back failed');
    const result = await this.resultOf(wave, report.stoppedBecause);
    if (stopCause === 'window') {
      const stored = await updateRecord(deps.store, (current) => {
        const next = withWave(current, wave.number, (w) => ({ ...w, status: 'approved', result }));
        return { record: next, result: next };
      });
      const waiting = stored.waves.find((w) => w.number === wave.number) ?? wave;
      await deps.notifier.notify({
        kind: 'wave-window-closed',
        waveNumber: wave.number,
        result,
        schedule: waveSchedule(stored, waiting, deps.now()) ?? '',
      });
      await this.updateWaveCard(stored, wave.number);
      return;
    }
    if (stopCause === 'paused') {
      // Resumed while stopping: it goes on at the next step.
      await updateRecord(deps.store, (stored) => ({
        record: withWave(stored, wave.number, (w) => ({
          ...w,
          status: stored.paused ? 'paused' : 'approved',
          result,
        })),
        result: undefined,
      }));
      return;
    }
    const completed = report.stoppedBecause === null;
    // Finished, and the next wave's sign-off opened, in one write: nothing is left half-done.
    const finished = await updateRecord(deps.store, (stored) => {
      const finishedAt = deps.now();
      const marked = withWave(stored, wave.number, (w) => ({
        ...w,
        status: completed ? 'completed' : 'stopped',
        result,
        finishedAt: finishedAt.toISOString(),
        // What it removed is checked again after the soak period; the next wave waits for that.
        ...(result.removed > 0
          ? {
              followUp: {
                dueAt: new Date(finishedAt.getTime() + deps.followUpAfterMs).toISOString(),
                status: 'waiting' as const,
              },
            }
          : {}),
      }));
      if (!completed) return { record: marked, result: { record: marked, request: null } };
      const next = nextWaveRequest(marked, deps.now(), deps.approvalTtlMs, deps.newId);
      return { record: next.record, result: next };
    });
    await deps.notifier.notify({
      kind: 'wave-finished',
      waveNumber: wave.number,
      result,
      notable: [
        ...report.restored.map((i) => ({ ...i, outcome: 'restored' as const })),
        ...report.failed.map((i) => ({ ...i, outcome: 'failed' as const })),
        ...report.skipped.map((i) => ({ ...i, outcome: 'skipped' as const })),
      ]
        .slice(0, NOTABLE_ROWS)
        .map(({ userPrincipalName, outcome, reason }) => ({ userPrincipalName, outcome, reason })),
    });
    await this.updateWaveCard(finished.record, wave.number);
    if (finished.request)
      await deps.notifier.notify({
        kind: 'approval-requested',
        request: finished.request,
        conditions: approvalConditions(finished.record, finished.request, deps.now()),
      });
    await this.afterWave(startedAt, `after wave ${wave.number}`);
  }

  /**
   * The follow-up after the soak period: what the wave removed is checked on fresh reads. Clean, the
   * next wave may be released; otherwise the channel is told who lacks what and why, and anything
   * missing is put back only once an approver signs off.
   */
  private async runFollowUp(wave: StoredWave, record: MigrationRecord): Promise<void> {
    const { deps } = this;
    const report = await followUpWave(wave, deps.reader, deps.directoryWriter, deps.journal, {
      readBack: deps.readBack,
      assign: record.assign,
    });
    const toRestore = report.findings.filter((f) => f.needsRestore);
    const at = deps.now();
    const outcome = await updateRecord(deps.store, (stored) => {
      const current = stored.waves.find((w) => w.number === wave.number);
      if (current?.followUp?.status !== 'waiting') return { record: stored, result: null };
      const request =
        toRestore.length > 0
          ? newApproval(
              deps.newId(),
              {
                kind: 'restore',
                waveNumber: wave.number,
                digest: restoreDigest(toRestore.map((f) => f.intentId)),
              },
              restoreSummary(wave.number, toRestore),
              followUpRequester(stored, current),
              at,
              deps.approvalTtlMs
            )
          : null;
      // The next wave's card, held up until now, stays open for a full period from the result.
      const pending = pendingWaveRequest(stored);
      const extended =
        pending && Date.parse(pending.expiresAt) < at.getTime() + deps.approvalTtlMs
          ? withApproval(stored, {
              ...pending,
              expiresAt: new Date(at.getTime() + deps.approvalTtlMs).toISOString(),
            })
          : stored;
      const checked = withWave(
        request ? withApproval(extended, request) : extended,
        wave.number,
        (w) => ({
          ...w,
          followUp: {
            ...(current.followUp?.restored ? { restored: current.followUp.restored } : {}),
            dueAt: current.followUp?.dueAt ?? at.toISOString(),
            status: report.findings.length === 0 ? 'clean' : 'problems',
            checkedAt: at.toISOString(),
            checked: report.checked,
            usersGone: report.usersGone,
            problems: report.findings.length,
            findings: report.findings.slice(0, FINDINGS_KEPT),
            ...(request
              ? {
                  restoreIntentIds: toRestore.map((f) => f.intentId),
                  restoreApprovalId: request.id,
                }
              : {}),
          },
        })
      );
      // The next wave's card expired while it was held up: a new one, now that there is a result.
      // (Not after a stopped wave, nor past a rejected one: those wait for people.)
      const following = stored.waves.find((w) => w.number === wave.number + 1);
      const expiredCard =
        current.status === 'completed' &&
        following?.status === 'proposed' &&
        stored.approvals.some(
          (a) =>
            a.status === 'expired' &&
            a.subject.kind === 'wave' &&
            a.subject.waveNumber === following.number
        );
      const reopened =
        !pending && expiredCard
          ? nextWaveRequest(checked, at, deps.approvalTtlMs, deps.newId)
          : { record: checked, request: null };
      return {
        record: reopened.record,
        result: { record: reopened.record, request, reopened: reopened.request },
      };
    });
    if (!outcome) return;
    const pending = pendingWaveRequest(outcome.record);
    const nextWave = pending?.subject.kind === 'wave' ? pending.subject.waveNumber : null;
    await deps.notifier.notify({
      kind: 'follow-up-finished',
      waveNumber: wave.number,
      checked: report.checked,
      usersGone: report.usersGone,
      problems: report.findings.length,
      findings: report.findings.slice(0, NOTABLE_ROWS),
      restoreRequested: outcome.request !== null,
      nextWave,
      nextWaveHeldBy: nextWave === null ? null : waveBlocker(outcome.record, nextWave),
      releasedBefore:
        outcome.record.waves.find(
          (w) => w.number > wave.number && ['approved', 'running', 'paused'].includes(w.status)
        )?.number ?? null,
    });
    if (outcome.request)
      await deps.notifier.notify({ kind: 'approval-requested', request: outcome.request });
    if (outcome.reopened)
      await deps.notifier.notify({
        kind: 'approval-requested',
        request: outcome.reopened,
        conditions: approvalConditions(outcome.record, outcome.reopened, deps.now()),
      });
    else await this.updatePendingWaveCard(outcome.record);
    await this.afterWave(null, `wave ${wave.number} follow-up`);
  }

  /**
   * Puts back, exactly, the removals a follow-up found missing, once an approver signed it off. Returns
   * the pass's report while something is still owed (the request stays open), null once done.
   */
  private async runRestore(
    request: ApprovalRequest,
    waveNumber: number,
    putBackEarlier: number
  ): Promise<RollbackReport | null> {
    const { deps } = this;
    const { record } = await deps.store.read();
    const wave = record.waves.find((w) => w.number === waveNumber);
    const followUp = wave?.followUp;
    // Exactly what was approved, or nothing: the set kept beside the request must match its digest.
    const intentIds = followUp?.restoreIntentIds ?? [];
    if (
      !wave ||
      followUp?.restoreApprovalId !== request.id ||
      restoreDigest(intentIds) !== request.subject.digest
    ) {
      deps.log(`The restore ${request.id} no longer matches wave ${waveNumber}; nothing was sent.`);
      await this.markDone(request);
      return null;
    }
    const report = await rollbackWave(wave.digest, deps.directoryWriter, deps.journal, {
      now: deps.now,
      readBack: deps.readBack,
      only: new Set(intentIds),
      reason: `Put back after wave ${waveNumber}'s follow-up found it missing; approved by ${request.decidedBy?.name ?? 'an approver'}.`,
    });
    if (report.failed.length > 0) return report;
    const restored = putBackEarlier + report.restored.length;
    // The wave's users are checked again at once: what was put back is no longer in it, and anything
    // else the follow-up found still holds the next wave.
    const stored = await updateRecord(deps.store, (current) => {
      const next = withWave(
        withApproval(current, { ...request, doneAt: deps.now().toISOString() }),
        waveNumber,
        (w) =>
          w.followUp?.restoreApprovalId === request.id
            ? {
                ...w,
                followUp: {
                  dueAt: deps.now().toISOString(),
                  status: 'waiting',
                  restored: (w.followUp.restored ?? 0) + restored,
                  // The check this restore asks for is its approver's: a restore it finds needed is theirs.
                  ...(request.decidedBy ? { askedBy: request.decidedBy } : {}),
                },
              }
            : w
      );
      return { record: next, result: next };
    });
    await deps.notifier.notify({
      kind: 'follow-up-restored',
      waveNumber,
      restored,
      alreadyThere: Math.max(0, report.alreadyThere.length - putBackEarlier),
    });
    await this.updatePendingWaveCard(stored);
    return null;
  }

  /** A released wave's sign-off card says when it runs (its window), or no longer once it is done. */
  private async updateWaveCard(record: MigrationRecord, waveNumber: number): Promise<void> {
    const wave = record.waves.find((w) => w.number === waveNumber);
    const approval = wave && approvalOf(record, wave);
    if (approval?.window) await this.showCard(record, approval);
  }

  /** The next wave's card shows what holds it up now. */
  private async updatePendingWaveCard(record: MigrationRecord): Promise<void> {
    const pending = pendingWaveRequest(record);
    if (pending) await this.showCard(record, pending);
  }

  /** A sign-off card updated in place (or posted, if it never went out) with what stands now. */
  private showCard(record: MigrationRecord, request: ApprovalRequest): Promise<void> {
    return this.deps.notifier.notify({
      kind: 'approval-updated',
      request,
      conditions: approvalConditions(record, request, this.deps.now()),
    });
  }

  /**
   * Puts back everything wave N removed, after settling its removals left in flight. Returns the pass's
   * report while something is still owed (the request stays open), null once done.
   */
  private async runRollback(
    request: ApprovalRequest,
    waveNumber: number
  ): Promise<RollbackReport | null> {
    const { record } = await this.deps.store.read();
    const wave = record.waves.find((w) => w.number === waveNumber);
    if (!wave) {
      await this.markDone(request);
      return null;
    }
    const report = await rollbackWave(wave.digest, this.deps.directoryWriter, this.deps.journal, {
      now: this.deps.now,
      readBack: this.deps.readBack,
    });
    if (report.failed.length > 0) return report;
    await updateRecord(this.deps.store, (stored) => ({
      record: withWave(
        withApproval(stored, { ...request, doneAt: this.deps.now().toISOString() }),
        waveNumber,
        (w) => ({ ...w, status: 'rolled-back' })
      ),
      result: undefined,
    }));
    await this.deps.notifier.notify({
      kind: 'rollback-finished',
      waveNumber,
      restored: report.restored.length + report.alreadyThere.length,
      failed: 0,
    });
    return null;
  }

  private markDone(request: ApprovalRequest): Promise<void> {
    return updateRecord(this.deps.store, (stored) => ({
      record: withApproval(stored, { ...request, doneAt: this.deps.now().toISOString() }),
      result: undefined,
    }));
  }

  /**
   * One pass over every user: how each SKU is held now (a point of the picture over time) and, after a
   * wave (`since`), the old automation assigning directly again to users a wave removed it from. Never
   * throws: a failure costs only the point and the warning, not the step.
   */
  private async afterWave(since: string | null, label: string): Promise<void> {
    try {
      await this.countAndWarn(since, label);
    } catch (error) {
      this.deps.log(
        `Could not count the licenses or look for the old automation (${label}): ${errorText(error)}`
      );
    }
  }

  private async countAndWarn(since: string | null, label: string): Promise<void> {
    const { deps } = this;
    const removed = since ? removedAssignments(await deps.journal.entries()) : [];
    const ids = new Set(removed.map((r) => r.userId.toLowerCase()));
    const users = new Map<string, UserLicenseSnapshot>();
    // The old automation keeps running: enabled users holding a direct license no wave has are
    // joiners, if the audit log says the automation licensed them since the waves were frozen.
    const { record: before } = await deps.store.read();
    const frozenAt = since ? wavesFrozenAt(before) : null;
    const inWaves = new Set(
      before.waves.flatMap((w) => w.entries.map((e) => e.userId.toLowerCase()))
    );
    const unmigrated: UserLicenseSnapshot[] = [];
    const tally = new InventoryTally(await deps.reader.subscribedSkus());
    await deps.reader.forEachUser((user) => {
      tally.add(user);
      // Only those holding something directly again: at scale, not 100,000 snapshots.
      if (ids.has(user.id.toLowerCase()) && holdsDirectly(user))
        users.set(user.id.toLowerCase(), user);
      if (
        frozenAt &&
        user.accountEnabled &&
        !inWaves.has(user.id.toLowerCase()) &&
        holdsDirectly(user)
      )
        unmigrated.push(user);
    });
    const counted = tally.result();
    await updateRecord(deps.store, (record) => {
      // The licenses the migration moves (all held ones before there is a plan): the record stays small.
      const planned = new Set(record.assign?.groups.map((g) => g.skuId.toLowerCase()) ?? []);
      return {
        record: withProgressPoint(record, {
          at: deps.now().toISOString(),
          label,
          skus: counted.skus
            .filter((s) => planned.size === 0 || planned.has(s.skuId.toLowerCase()))
            .filter((s) => s.directOnly + s.both + s.inheritedOnly > 0)
            .map(({ skuId, skuPartNumber, directOnly, both, inheritedOnly }) => ({
              skuId,
              skuPartNumber,
              directOnly,
              both,
              inheritedOnly,
            })),
        }),
        result: undefined,
      };
    });
    if (!since) return;
    let events: Awaited<ReturnType<TenantReader['licenseChangeEvents']>> = [];
    try {
      // One read of the audit log serves both warnings: from when the waves were frozen.
      const from = frozenAt && frozenAt < since ? frozenAt : since;
      events = await afterWaveEvents(deps.reader, {
        userIds: [...users.values(), ...unmigrated].map((u) => u.id),
        since: new Date(from),
        ownChangesSince: removed.filter((r) => r.removedAt >= from).length,
      });
    } catch {
      // Without the audit log the warnings still stand; they just cannot name who did it.
    }
    const reassigned = reassignedAfterWaves(removed, users, events);
    const joiners = frozenAt
      ? joinersSinceWaves(unmigrated, inWaves, events, frozenAt)
      : { count: 0, actors: [], sample: [] };
    if (reassigned.length > 0 || joiners.count > 0)
      await deps.notifier.notify({
        kind: 'automation-still-running',
        findings: findLicenseAutomation(events),
        reassigned,
        joiners,
      });
  }

  /** The wave's outcome so far, from the journal (it spans every run of the wave, before a crash too). */
  private async resultOf(
    wave: StoredWave,
    stoppedBecause: string | null = null
  ): Promise<WaveResult> {
    const tally = waveTallies(await this.deps.journal.entries()).find(
      (t) => t.waveDigest === wave.digest
    );
    return {
      removed: tally?.removed ?? 0,
      skipped: tally?.skipped ?? 0,
      restored: tally?.restored ?? 0,
      failed: tally?.failed ?? 0,
      stoppedBecause,
    };
  }

  private updateWave(number: number, change: (wave: StoredWave) => StoredWave): Promise<void> {
    return updateRecord(this.deps.store, (record) => ({
      record: withWave(record, number, change),
      result: undefined,
    }));
  }

  /** Changes the assignment this run is about, never one requested since. */
  private updateAssign(
    approvalId: string,
    change: (assign: AssignState) => AssignState
  ): Promise<void> {
    return updateRecord(this.deps.store, (record) => ({
      record:
        record.assign?.approvalId === approvalId
          ? { ...record, assign: change(record.assign) }
          : record,
      result: undefined,
    }));
  }
}
