import { queueStockRequest, type StockRequest } from '../domain/stock-requests';

/**
 * Runs stock-takings one at a time beside the runner's work, in the order `queueStockRequest` keeps
 * them. `take` never throws (a failure costs only the point and the warnings, and is logged there).
 */
export class BackgroundStockTaking {
  private queued: StockRequest[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly take: (request: StockRequest) => Promise<void>) {}

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
    for (let next = this.queued.shift(); next && !this.stopped; next = this.queued.shift())
      await this.take(next);
  }
}
