import { seededRandom } from './seeded-random';

/**
 * How long Graph takes to answer, in simulated milliseconds (docs/simulator.md, "Latency"). Microsoft
 * publishes no latency figures for Graph; these are an assumption, chosen so that a client that sends one
 * request at a time is paced as it would be against Graph rather than by loopback's fraction of a
 * millisecond:
 * - a single request: log-normal, median 160 ms, about 90 % of draws between 90 and 290 ms, capped;
 * - a `$batch`: Graph runs its items side by side ("the requests can be run by the service in any
 *   order", SDK batch docs), so the slowest of its items plus the batch's own overhead;
 * - a page of a collection: a single request's time plus a cost for each object it returns, so a page of
 *   999 users with their licenses takes about a second, not as long as one user.
 */
export interface LatencyProfile {
  readonly medianMs: number;
  /** Spread of the log-normal (σ of the underlying normal). */
  readonly sigma: number;
  /** No draw is longer (the rare multi-second answers are left to the `latency` fault). */
  readonly maxMs: number;
  /** What a `$batch` adds to its slowest item: unpacking, fan-out, assembling the answer. */
  readonly batchOverheadMs: number;
  /** What each object of a collection page adds: reading it from the directory and serializing it. */
  readonly perObjectMs: number;
}

export const GRAPH_LATENCY: LatencyProfile = {
  medianMs: 160,
  sigma: 0.35,
  maxMs: 1_500,
  batchOverheadMs: 40,
  perObjectMs: 1,
};

export class LatencyModel {
  private readonly random: () => number;

  constructor(
    seed = 17,
    private readonly profile: LatencyProfile = GRAPH_LATENCY
  ) {
    this.random = seededRandom(seed);
  }

  /** One request's answer time. */
  requestMs(): number {
    // Box–Muller: a standard normal from two uniform draws (1 − u keeps the logarithm finite).
    const u = 1 - this.random();
    const v = this.random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const ms = this.profile.medianMs * Math.exp(this.profile.sigma * normal);
    return Math.min(this.profile.maxMs, Math.round(ms));
  }

  /** A page of a collection holding `objects` objects: one request's time plus each object's cost. */
  pageMs(objects: number): number {
    return this.requestMs() + objects * this.profile.perObjectMs;
  }

  /** A `$batch` of `items` requests: its slowest item, plus the batch's overhead. */
  batchMs(items: number): number {
    let slowest = 0;
    for (let i = 0; i < items; i++) slowest = Math.max(slowest, this.requestMs());
    return slowest + this.profile.batchOverheadMs;
  }
}
