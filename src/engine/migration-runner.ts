import { findLicenseAutomation } from '../domain/automation';
import { reassignedAfterWaves, removedAssignments, waveTallies } from '../domain/done-report';
import type { Journal } from '../domain/journal';
import type { UserLicenseSnapshot } from '../domain/licenses';
import type { ApprovalRequest } from '../domain/approvals';
import {
  expireDue,
  withApproval,
  withWave,
  type AssignState,
  type MigrationRecord,
  type StoredWave,
  type WaveResult,
} from '../domain/migration-record';
import type { RemovalContext } from '../domain/removal-safety';
import { errorText } from '../error-text';
import type { DirectoryWriter } from './directory-writer';
import { executeWave } from './execute-wave';
import type { GroupWriter } from './group-writer';
import { listLicenseErrors } from './list-license-errors';
import { intendedGroupsOf, nextWaveRequest } from './migration-requests';
import { updateRecord, type MigrationStore } from './migration-store';
import { journalDecision } from './journal-decision';
import type { Notifier } from './notifier';
import type { RunnerLease } from './runner-lease';
import { populateAndAssign, waitForProcessing } from './populate-and-assign';
import { rollbackWave } from './rollback-wave';
import type { TenantReader } from './tenant-reader';
import { verifyDirectRemovals } from './verify-removals';

const LOST_LEASE = 'This instance no longer runs the waves; another instance goes on.';
/** Attempts before the group assignment or a rollback is given up (a wave never is). */
const GIVE_UP_AFTER = 5;
const holdsDirectly = (user: UserLicenseSnapshot) =>
  user.licenseAssignmentStates.some((row) => row.assignedByGroup === null);
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Users named in a wave's closing notice; the report lists them all. */
const NOTABLE_ROWS = 10;

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
  /** Polling and patience for group license processing. */
  readonly processing?: { readonly pollMs?: number; readonly timeoutMs?: number };
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
  private inHand: { label: string; giveUp?: () => Promise<void> } | null = null;
  private readonly failures = new Map<string, number>();

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
          : `${capitalize(work.label)} failed and will be tried again: ${errorText(error)}. Nobody's license was removed blind.`,
      });
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
    if (!this.deps.lease.held() && !(await this.deps.lease.tryAcquire())) return false;
    await this.expireRequests();
    const { record } = await this.deps.store.read();
    if (record.assign?.status === 'running') {
      const approvalId = record.assign.approvalId;
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
    if (record.paused) return false;
    const rollback = record.approvals.find(
      (a) => a.status === 'approved' && a.subject.kind === 'rollback' && !a.doneAt
    );
    if (rollback?.subject.kind === 'rollback') {
      this.inHand = {
        label: `the rollback of wave ${rollback.subject.waveNumber}`,
        giveUp: () => this.markDone(rollback),
      };
      await this.runRollback(rollback, rollback.subject.waveNumber);
      return true;
    }
    const wave = record.waves.find((w) => w.status === 'approved' || w.status === 'running');
    if (wave) {
      this.inHand = { label: `wave ${wave.number}` };
      await this.ensureJournaled(record, wave);
      await this.runWave(wave, record);
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
   * The record is where approvals are decided; the journal is written just after. If the process
   * stopped in between, the decision is journaled now, before the wave runs (executeWave checks it).
   */
  private async ensureJournaled(record: MigrationRecord, wave: StoredWave): Promise<void> {
    const approval = record.approvals.find((a) => a.id === wave.approvalId);
    if (approval?.status !== 'approved') return;
    const entries = await this.deps.journal.entries();
    if (!entries.some((e) => e.kind === 'wave-decision' && e.approvalId === approval.id))
      await journalDecision(this.deps.journal, approval, this.deps.newId);
  }

  private async runAssign(assign: AssignState): Promise<void> {
    const { deps } = this;
    await deps.notifier.notify({
      kind: 'assign-started',
      groups: assign.groups.map((g) => g.displayName),
    });
    const assignedSince = new Date(deps.now().getTime() - 60_000);
    const known: Record<string, string> = { ...(assign.groupIds ?? {}) };
    const report = await populateAndAssign(
      { groups: assign.groups, newSeats: {}, warnings: [] },
      deps.groupWriter,
      {
        knownGroupIds: known,
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
      assignedSince,
      assigned: report.groups.filter((g) => g.licenseAssigned).map((g) => g.groupId ?? ''),
      onChange: (groupId, state) =>
        deps.notifier.notify({
          kind: 'group-processing',
          groupName: names.get(groupId) ?? groupId,
          state: state ?? 'unknown',
        }),
    });
    await this.updateAssign(assign.approvalId, (a) => ({
      ...a,
      groupIds: { ...known },
      status: 'completed',
      finishedAt: deps.now().toISOString(),
      ...(wait.complete
        ? {}
        : {
            problem: `License processing was not complete for ${wait.pending.length} groups when I stopped waiting; \`verify\` shows who is covered.`,
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
      processingComplete: wait.complete,
      verify: verified.summary,
    });
    const errors = await listLicenseErrors(deps.reader);
    if (errors.length > 0) await deps.notifier.notify({ kind: 'license-errors', rows: errors });
  }

  private async runWave(wave: StoredWave, record: MigrationRecord): Promise<void> {
    const { deps } = this;
    const startedAt = wave.startedAt ?? deps.now().toISOString();
    if (wave.status !== 'running') {
      await this.updateWave(wave.number, (w) => ({ ...w, status: 'running', startedAt }));
      await deps.notifier.notify({
        kind: 'wave-started',
        waveNumber: wave.number,
        users: wave.userCount,
      });
    }
    const context: RemovalContext = {
      skus: new Map((await deps.reader.subscribedSkus()).map((s) => [s.skuId.toLowerCase(), s])),
      groupNames: await deps.reader.licensingGroupNames(),
      intendedGroups: intendedGroupsOf(record),
    };
    const earlier = await this.resultOf(wave);
    let stopCause: 'lease' | 'paused' | null = null;
    const report = await executeWave(wave, context, deps.directoryWriter, deps.journal, {
      now: deps.now,
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
    if (stopCause === 'lease') return;
    // A read back failed: removals are unsettled, so the wave stays running and is tried again.
    if (report.retryable) throw new Error(report.stoppedBecause ?? 'a read back failed');
    const result = await this.resultOf(wave, report.stoppedBecause);
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
    const request = await updateRecord(deps.store, (stored) => {
      const marked = withWave(stored, wave.number, (w) => ({
        ...w,
        status: completed ? 'completed' : 'stopped',
        result,
        finishedAt: deps.now().toISOString(),
      }));
      if (!completed) return { record: marked, result: null };
      const next = nextWaveRequest(marked, deps.now(), deps.approvalTtlMs, deps.newId);
      return { record: next.record, result: next.request };
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
    if (request) await deps.notifier.notify({ kind: 'approval-requested', request });
    try {
      await this.warnAboutAutomation(startedAt);
    } catch (error) {
      deps.log(
        `Could not check for the old automation after wave ${wave.number}: ${errorText(error)}`
      );
    }
  }

  private async runRollback(request: ApprovalRequest, waveNumber: number): Promise<void> {
    const { record } = await this.deps.store.read();
    const wave = record.waves.find((w) => w.number === waveNumber);
    if (!wave) return this.markDone(request);
    const report = await rollbackWave(wave.digest, this.deps.directoryWriter, this.deps.journal, {
      now: this.deps.now,
    });
    if (report.failed.length > 0)
      throw new Error(
        `${report.failed.length} direct assignments could not be put back yet (${report.failed[0].reason})`
      );
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
  }

  private markDone(request: ApprovalRequest): Promise<void> {
    return updateRecord(this.deps.store, (stored) => ({
      record: withApproval(stored, { ...request, doneAt: this.deps.now().toISOString() }),
      result: undefined,
    }));
  }

  /** The old automation assigning directly again, to users whose direct assignment a wave removed. */
  private async warnAboutAutomation(since: string): Promise<void> {
    const { deps } = this;
    const removed = removedAssignments(await deps.journal.entries());
    const ids = new Set(removed.map((r) => r.userId.toLowerCase()));
    const users = new Map<string, UserLicenseSnapshot>();
    await deps.reader.forEachUser((user) => {
      // Only those holding something directly again: at scale, not 100,000 snapshots.
      if (ids.has(user.id.toLowerCase()) && holdsDirectly(user))
        users.set(user.id.toLowerCase(), user);
    });
    let events: Awaited<ReturnType<TenantReader['licenseChangeEvents']>> = [];
    try {
      events = await deps.reader.licenseChangeEvents(new Date(since));
    } catch {
      // Without the audit log the warnings still stand; they just cannot name who did it.
    }
    const reassigned = reassignedAfterWaves(removed, users, events);
    if (reassigned.length > 0)
      await deps.notifier.notify({
        kind: 'automation-still-running',
        findings: findLicenseAutomation(events),
        reassigned,
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
