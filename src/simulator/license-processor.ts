import { GROUP_BASED_LICENSING } from './audit-log';
import {
  failureReason,
  type Directory,
  type DirectoryGroup,
  type GroupProcessingResult,
} from './directory';

export interface ProcessingTimings {
  /** How long a group waits in QueuedForProcessing, in simulated milliseconds. */
  readonly queuedMs: number;
  /** How long ProcessingInProgress lasts before members are licensed, in simulated milliseconds. */
  readonly processingMs: number;
  /** Simulated time runs this many times faster than real time. */
  readonly timeScale: number;
}

/** Minutes, as the docs describe for membership-driven changes; `--time-scale` shortens them. */
export const REALISTIC_TIMINGS: ProcessingTimings = {
  queuedMs: 30_000,
  processingMs: 60_000,
  timeScale: 1,
};

/**
 * Group license processing runs in the background, as in Entra: a change to a group's licenses or
 * members queues the group (QueuedForProcessing → ProcessingInProgress → ProcessingComplete), and
 * members are licensed only when processing completes. A change during processing starts it over.
 */
export class LicenseProcessor {
  private readonly timers = new Map<string, NodeJS.Timeout[]>();

  constructor(
    private readonly directory: Directory,
    private readonly timings: ProcessingTimings,
    private readonly onEvent: (
      event: 'started' | 'finished',
      groupId: string,
      result?: GroupProcessingResult
    ) => void = () => undefined
  ) {}

  schedule(groupId: string): void {
    const group = this.directory.requireGroup(groupId);
    this.cancel(groupId);
    group.processingState = 'QueuedForProcessing';
    const scaled = (ms: number) => Math.max(0, ms / this.timings.timeScale);
    const start = setTimeout(() => {
      group.processingState = 'ProcessingInProgress';
      this.recordGroupEvent(group, 'Start applying group based license to users');
      this.onEvent('started', groupId);
    }, scaled(this.timings.queuedMs));
    const finish = setTimeout(
      () => {
        this.timers.delete(groupId);
        const result = this.directory.processGroup(groupId);
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
        group.processingState = 'ProcessingComplete';
        this.recordGroupEvent(
          group,
          'Finish applying group based license to users',
          `[Users successfully assigned licenses: ${result.succeeded}, Users for whom license assignment failed: ${result.failed}.];`
        );
        this.onEvent('finished', groupId, result);
      },
      scaled(this.timings.queuedMs + this.timings.processingMs)
    );
    start.unref();
    finish.unref();
    this.timers.set(groupId, [start, finish]);
  }

  /** True while any group is queued or in progress. */
  get busy(): boolean {
    return this.timers.size > 0;
  }

  stop(): void {
    for (const groupId of [...this.timers.keys()]) this.cancel(groupId);
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

  private cancel(groupId: string): void {
    for (const timer of this.timers.get(groupId) ?? []) clearTimeout(timer);
    this.timers.delete(groupId);
  }
}
