/**
 * How many of a wave's round trips (fresh read, removals, read back) to keep in flight at once. Graph's
 * write ceiling is the limit a wave should run at, not the round trip's latency: by Little's law, to keep
 * `writesPerSecond` going while a round trip of `writesPerTrip` writes takes `roundTripMs`, about
 * writesPerSecond × roundTripMs / writesPerTrip must be in flight. More than that would only queue at the
 * pacer with their fresh reads ageing, so none is started beyond it unless the pacer has room for its
 * writes now (the start of a wave, before the ceiling's window fills).
 */

export interface RoundTripLimits {
  /** The write ceiling's sustained rate (Graph: 3,000 per 150 s, i.e. 20/s), on the pacer's clock. */
  readonly writesPerSecond: number;
  /** Writes one round trip sends: one removal per user, up to 20 users in a `$batch`. */
  readonly writesPerTrip: number;
  /** Never more in flight than this, whatever the measurements say. */
  readonly maxInFlight: number;
}

export interface RoundTripsNow {
  readonly inFlight: number;
  /** Writes the pacer would let go at once now (0 when unknown). */
  readonly writeRoom: number;
  /** Writes of the round trips in flight not sent yet: they spend that room first. */
  readonly unsentWrites: number;
  /** A round trip's typical time without its wait at the pacer; null before any was measured. */
  readonly roundTripMs: number | null;
}

/** Round trips that keep the ceiling's rate going when each takes `roundTripMs`, plus one for jitter. */
export function roundTripsForCeiling(limits: RoundTripLimits, roundTripMs: number): number {
  const perTripMs = (limits.writesPerTrip * 1000) / limits.writesPerSecond;
  return Math.ceil(roundTripMs / perTripMs) + 1;
}

/** Whether to start one more round trip now. */
export function mayStartRoundTrip(limits: RoundTripLimits, now: RoundTripsNow): boolean {
  if (now.inFlight >= limits.maxInFlight) return false;
  if (now.inFlight === 0) return true;
  // Its writes could leave at once: the pacer's window has room for them beyond those already waiting.
  if (now.writeRoom - now.unsentWrites >= limits.writesPerTrip) return true;
  // Until one has been timed, two: one reading while the other writes.
  if (now.roundTripMs === null) return now.inFlight < 2;
  return now.inFlight < roundTripsForCeiling(limits, now.roundTripMs);
}

/** A smoothed round-trip time (exponentially weighted, the newest counting a quarter). */
export class RoundTripTime {
  private smoothed: number | null = null;

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.smoothed = this.smoothed === null ? ms : this.smoothed * 0.75 + ms * 0.25;
  }

  get ms(): number | null {
    return this.smoothed;
  }
}
