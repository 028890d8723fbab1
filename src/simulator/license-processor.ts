import { GROUP_BASED_LICENSING } from './audit-log';
import type { Directory } from './directory';
import type { DirectoryGroup, GroupProcessingResult } from './directory-model';
import { failureReason } from './group-license-processing';

export interface ProcessingTimings {
  /** How long a group waits in QueuedForProcessing, in simulated milliseconds. */
  readonly queuedMs: number;
  /** Members licensed per simulated second while ProcessingInProgress. */
  readonly usersPerSecond: number;
  /** Simulated time runs this many times faster than real time. */
  readonly timeScale: number;
}

/**
 * Minutes for a change to take effect, as the docs describe; `--time-scale` shortens them. The rate is
 * an assumption: Microsoft publishes none, only that 60,000 users should take under 24 hours.
 */
export const REALISTIC_TIMINGS: ProcessingTimings = {
  queuedMs: 30_000,
  usersPerSecond: 50,
  timeScale: 1,
};

/** Members are licensed in slices, so a large group shows progress as Entra's does. */
const SLICE_REAL_MS = 50;

interface Run {
  /** Users still to process; 'all' when the group's licenses changed. */
  pending: Set<string> | 'all';
  timer: NodeJS.Timeout | null;
  succeeded: number;
  failed: number;
  /** Users this run may still process, fractions included. */
  allowance: number;
  /** The simulated moment up to which the allowance has been counted. */
  countedTo: number;
}

/**
 * Group license processing runs in the background, as in Entra: a change to a group's licenses queues the
 * whole group, a membership change queues that member (QueuedForProcessing → ProcessingInProgress →
 * ProcessingComplete), and members are licensed at `usersPerSecond` while in progress. A new change
 * during a run is added to it.
 */
export class LicenseProcessor {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly directory: Directory,
    private readonly timings: ProcessingTimings,
    private readonly onEvent: (
      event: 'started' | 'finished',
      groupId: string,
      result?: GroupProcessingResult
    ) => void = () => undefined
  ) {}

  /** Queues the whole group (its licenses changed), or only the given members (membership changed). */
  schedule(groupId: string, userId?: string): void {
    const group = this.directory.requireGroup(groupId);
    const run = this.runs.get(groupId);
    if (run) {
      if (userId === undefined) run.pending = 'all';
      else if (run.pending !== 'all') run.pending.add(userId);
      return;
    }
    const next: Run = {
      pending: userId === undefined ? 'all' : new Set([userId]),
      timer: null,
      succeeded: 0,
      allowance: 0,
      failed: 0,
      countedTo: 0,
    };
    this.runs.set(groupId, next);
    this.directory.beforeGroupChange(group);
    group.processingState = 'QueuedForProcessing';
    next.timer = this.after(this.timings.queuedMs, () => {
      this.directory.beforeGroupChange(group);
      group.processingState = 'ProcessingInProgress';
      this.recordGroupEvent(group, 'Start applying group based license to users');
      this.onEvent('started', groupId);
      next.countedTo = this.directory.now().getTime();
      this.processSlice(group, next);
    });
  }

  /** True while any group is queued or in progress. */
  get busy(): boolean {
    return this.runs.size > 0;
  }

  stop(): void {
    for (const run of this.runs.values()) if (run.timer) clearTimeout(run.timer);
    this.runs.clear();
  }

  private processSlice(group: DirectoryGroup, run: Run): void {
    if (run.pending === 'all') run.pending = this.directory.usersToProcess(group);
    // Users for the simulated time since the last slice, not per slice: a slice that fires late (the
    // simulator's thread busy) catches up, so processing keeps Entra's rate whatever the host's load.
    const now = this.directory.now().getTime();
    run.allowance += (this.timings.usersPerSecond * Math.max(0, now - run.countedTo)) / 1000;
    run.countedTo = now;
    // Whole users per slice, carrying the fraction over so the average rate is exact.
    const perSlice = Math.floor(run.allowance);
    run.allowance -= perSlice;
    const slice = new Set<string>();
    for (const id of run.pending) {
      if (slice.size >= perSlice) break;
      slice.add(id);
    }
    for (const id of slice) run.pending.delete(id);
    const result = this.directory.processGroup(group.id, slice);
    run.succeeded += result.succeeded;
    run.failed += result.failed;
    for (const change of result.changed) {
      this.directory.recordUserLicenseChange(
        change.user,
        GROUP_BASED_LICENSING,
        change.before,
        change.after,
        this.directory.now(),
        failureReason(change.after)
      );
    }
    if (run.pending.size > 0) {
      run.timer = setTimeout(() => this.processSlice(group, run), SLICE_REAL_MS);
      run.timer.unref();
      return;
    }
    this.runs.delete(group.id);
    this.directory.beforeGroupChange(group);
    group.processingState = 'ProcessingComplete';
    this.recordGroupEvent(
      group,
      'Finish applying group based license to users',
      `[Users successfully assigned licenses: ${run.succeeded}, Users for whom license assignment failed: ${run.failed}.];`
    );
    this.onEvent('finished', group.id, {
      succeeded: run.succeeded,
      failed: run.failed,
      changed: [],
    });
  }

  private after(simulatedMs: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(action, Math.max(0, simulatedMs / this.timings.timeScale));
    timer.unref();
    return timer;
  }

  private recordGroupEvent(
    group: DirectoryGroup,
    activityDisplayName: string,
    outcome?: string
  ): void {
    this.directory.audit.record({
      activityDisplayName,
      category: 'GroupManagement',
      operationType: 'Assign',
      actor: GROUP_BASED_LICENSING,
      at: this.directory.now(),
      targets: [
        {
          id: group.id,
          type: 'Group',
          displayName: group.displayName,
          modifiedProperties: outcome
            ? [{ displayName: 'Result', oldValue: null, newValue: outcome }]
            : [],
        },
      ],
    });
  }
}
