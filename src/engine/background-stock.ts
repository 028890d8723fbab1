import { queueStockRequest, type StockRequest } from '../domain/stock-requests';

/**
 * Runs stock-takings one at a time beside the runner's work, in the order `queueStockRequest` keeps
 * them. `take` never throws (a failure costs only the point and the warnings, and is logged there).
 */
export class BackgroundStockTaking {
  private queued: StockRequest[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Give-backs started so far, and those still running: a read overlapping one drops a warning. */
  private giveBacksStarted = 0;
  private giveBacksRunning = 0;

  /**
   * `take` is told whether a give-back ran beside it (`overlapped`, asked when it is done): the users it
   * put back are not the old automation's doing.
   */
  constructor(
    private readonly take: (request: StockRequest, overlapped: () => boolean) => Promise<void>
  ) {}

  /** A give-back (restore, rollback) runs from now until `done` is called. */
  giveBackStarted(): () => void {
    this.giveBacksStarted += 1;
    this.giveBacksRunning += 1;
    return () => {
      this.giveBacksRunning -= 1;
    };
  }

  /** Takes stock as soon as the one running (if any) is done. */
  ask(request: StockRequest): void {
    if (this.stopped) return;
    this.queued = queueStockRequest(this.queued, request);
    if (!this.running)
      this.running = this.drain()
        // `take` logs its own failures; one that throws anyway must not end the process.
        .catch(() => undefined)
        .finally(() => {
          this.running = null;
        });
  }

  /** Whether a stock-taking runs or waits. */
  busy(): boolean {
    return this.running !== null;
  }

  /** Resolves when no stock-taking runs or waits. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** A stopping process starts none: what waits is dropped; the one running is waited for. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued = [];
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let next = this.queued.shift(); next && !this.stopped; next = this.queued.shift()) {
      const before = this.giveBacksStarted;
      const running = this.giveBacksRunning;
      await this.take(
        next,
        () => running > 0 || this.giveBacksRunning > 0 || this.giveBacksStarted !== before
      );
    }
  }
}
