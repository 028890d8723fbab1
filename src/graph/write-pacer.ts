/**
 * Paces writes to Graph's ceiling for an app in a tenant (3,000 writes per 150 s), so a long wave runs
 * at the ceiling instead of bouncing off it: a write is sent only when the writes of the last window
 * leave room for it, and a Retry-After from Graph pauses every write until it has passed.
 * Our own because the SDK's retry handler only reacts to 429s after the fact.
 */

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The bot counts a write when it leaves; Graph counts it when it arrives, some time later. A write that
 * left at `t` and arrived up to `arrivalSpreadMs` after still counts at Graph until that much past
 * `t + windowMs`: the pacer keeps it in its window that long, so no burst at the window's edge arrives
 * while Graph still counts the last window's stragglers. A request arrives before it is answered, and the
 * longest answer the simulator's latency model gives is a `$batch`'s 1,540 ms (its 1,500 ms cap plus the
 * batch overhead, latency-model.ts; Microsoft publishes no figure): 2 s covers it, at a cost of 1.3 % of
 * the ceiling (3,000 writes in every 152 s, 19.7/s).
 */
export const GRAPH_WRITE_CEILING = {
  writes: 3_000,
  windowMs: 150_000,
  arrivalSpreadMs: 2_000,
} as const;

export interface WriteCeiling {
  readonly writes: number;
  readonly windowMs: number;
  /** How much later than another a write may arrive at Graph after leaving (0 when not given). */
  readonly arrivalSpreadMs?: number;
}

export class WritePacer {
  private readonly sent: { at: number; count: number }[] = [];
  private inWindow = 0;
  private pausedUntil = 0;
  /** Callers take their turn in order, so a big batch is not overtaken forever by small ones. */
  private turn: Promise<void> = Promise.resolve();

  /** How long a write counts here: Graph's window, and the latest it may arrive there after leaving. */
  private readonly heldMs: number;

  constructor(
    private readonly ceiling: WriteCeiling = GRAPH_WRITE_CEILING,
    private readonly clock: PacerClock = realClock
  ) {
    if (ceiling.writes < 1 || ceiling.windowMs <= 0 || (ceiling.arrivalSpreadMs ?? 0) < 0)
      throw new RangeError('A write ceiling needs at least one write per positive window.');
    this.heldMs = ceiling.windowMs + (ceiling.arrivalSpreadMs ?? 0);
  }

  /** Resolves when `count` writes may be sent now, and counts them as sent. */
  acquire(count: number): Promise<void> {
    const writes = Math.min(count, this.ceiling.writes);
    const mine = this.turn.then(() => this.waitForRoom(writes));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  /** The sustained rate this pacer lets through, writes per second of its clock. */
  get perSecond(): number {
    return (this.ceiling.writes * 1000) / this.heldMs;
  }

  /** Writes that may leave at once now (0 while paused by a Retry-After); callers already waiting not counted. */
  room(): number {
    const now = this.clock.now();
    if (now < this.pausedUntil) return 0;
    this.forget(now);
    return this.ceiling.writes - this.inWindow;
  }

  /** Graph said Retry-After: no write goes out before it has passed. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private async waitForRoom(count: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.forget(now);
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      if (this.inWindow + count <= this.ceiling.writes) {
        this.sent.push({ at: now, count });
        this.inWindow += count;
        return;
      }
      // Wait until enough of the oldest writes leave the window.
      let freed = 0;
      let until = now;
      for (const entry of this.sent) {
        freed += entry.count;
        until = entry.at + this.heldMs;
        if (this.inWindow - freed + count <= this.ceiling.writes) break;
      }
      await this.clock.sleep(Math.max(1, until - now));
    }
  }

  /** Writes that have left Graph's window, however late they arrived, no longer count. */
  private forget(now: number): void {
    while (this.sent.length > 0 && this.sent[0].at <= now - this.heldMs)
      this.inWindow -= this.sent.shift()!.count;
  }
}
