import type { Work } from './next-work';

/**
 * Stock-taking (a read of every user after a step: a point of the picture over time and, after a wave,
 * the warnings about the old automation) runs beside the runner's next work, one at a time. What waits
 * for its turn is decided here. Pure.
 */

/** One stock-taking asked for by a step. */
export interface StockRequest {
  /** The point's label in the picture over time ("after wave 2"). */
  readonly label: string;
  /**
   * After a wave: when it started. Then the read also warns about direct assignments made again and
   * about joiners licensed directly since then.
   */
  readonly since: string | null;
  /**
   * After a wave: the last wave whose removals it checks. Waves released after it may remove (and put
   * back) beside the read; their removals are theirs to report, not this read's.
   */
  readonly throughWave: number | null;
}

/**
 * What waits after `asked` joins `queued` (the requests not started yet). A point that is only a point
 * is superseded by any newer request: the newer read records a point as fresh, so an older one is not
 * worth a tenant read. A request with warnings is never dropped: two of them become one read, since the
 * journal then holds both waves' removals and the audit log from the earlier start covers both; it
 * keeps the newer label. The result is at most one request with warnings, then at most one point.
 */
export function queueStockRequest(
  queued: readonly StockRequest[],
  asked: StockRequest
): StockRequest[] {
  const warning = queued.find((r) => r.since !== null) ?? null;
  if (asked.since === null) return warning ? [warning, asked] : [asked];
  return [warning ? mergedWarnings(warning, asked) : asked];
}

function mergedWarnings(earlier: StockRequest, later: StockRequest): StockRequest {
  const since = [earlier.since, later.since]
    .filter((s): s is string => s !== null)
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  return {
    label: later.label,
    since,
    throughWave:
      earlier.throughWave === null || later.throughWave === null
        ? null
        : Math.max(earlier.throughWave, later.throughWave),
  };
}

/**
 * Whether this work puts direct assignments back (a restore, a rollback). A read with warnings took them
 * as removed when it began: one that a give-back ran beside would report a user the bot put back as
 * assigned directly again by the old automation, so its re-assignment warning is dropped. The give-back
 * itself never waits for a read: a user missing a license gets it back at once.
 */
export function givesBack(work: Work): work is Extract<Work, { kind: 'restore' | 'rollback' }> {
  return work.kind === 'restore' || work.kind === 'rollback';
}

/** A point closer than this to the one before it adds nothing to the picture over time. */
const POINT_SPACING_MS = 10 * 60_000;

/**
 * Whether a wave's follow-up records a point of its own. The wave's end already asked for one (with its
 * warnings); a follow-up run minutes later (no soak, or a short one) would read the same picture again,
 * beside the next wave, for nothing. After a real soak (a day by default) the tenant may have moved.
 */
export function followUpPointWorthTaking(waveFinishedAt: string | undefined, now: Date): boolean {
  if (!waveFinishedAt) return true;
  return now.getTime() - Date.parse(waveFinishedAt) >= POINT_SPACING_MS;
}
