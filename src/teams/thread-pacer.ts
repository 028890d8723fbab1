/**
 * Keeps posts to one Teams thread under its rate limits (7 per second, 8 per 2 s, 60 per 30 s): one
 * send at a time, at least `spacingMs` apart. A keyed send (a progress card) that is still waiting when a
 * newer one for the same key arrives is dropped in favour of the newer: progress never floods a thread.
 * Our own because botbuilder only retries after Teams has answered 429.
 */
export class ThreadPacer {
  private queue: { key: string | null; send: () => Promise<void> }[] = [];
  private draining = false;
  private lastSentAt = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly spacingMs = 550,
    private readonly log: (line: string) => void = () => undefined
  ) {}

  /** Queues a send; with a key, replaces a queued send of the same key that has not gone out yet. */
  enqueue(send: () => Promise<void>, key: string | null = null): void {
    const queued = key === null ? -1 : this.queue.findIndex((item) => item.key === key);
    if (queued >= 0) this.queue[queued] = { key, send };
    else this.queue.push({ key, send });
    if (!this.draining) void this.drain();
  }

  /** Resolves when everything queued has been sent. */
  idle(): Promise<void> {
    return this.draining
      ? new Promise((resolve) => this.idleWaiters.push(resolve))
      : Promise.resolve();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.queue.length > 0) {
      const wait = this.lastSentAt + this.spacingMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const item = this.queue.shift();
      if (!item) break;
      this.lastSentAt = Date.now();
      try {
        await item.send();
      } catch (error) {
        // One failed post (Teams or storage) must not stop the ones after it.
        this.log(
          `A post to Teams failed: ${error instanceof Error ? error.message : String(error)}`
        );
      }
    }
    this.draining = false;
    this.idleWaiters.splice(0).forEach((wake) => wake());
  }
}
