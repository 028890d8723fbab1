import type { Directory, GroupProcessingResult } from './directory';

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
      this.onEvent('started', groupId);
    }, scaled(this.timings.queuedMs));
    const finish = setTimeout(
      () => {
        this.timers.delete(groupId);
        const result = this.directory.processGroup(groupId);
        group.processingState = 'ProcessingComplete';
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

  private cancel(groupId: string): void {
    for (const timer of this.timers.get(groupId) ?? []) clearTimeout(timer);
    this.timers.delete(groupId);
  }
}
