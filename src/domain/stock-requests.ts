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
 * Whether this work waits until no stock-taking runs or waits. A give-back (restore, rollback) puts
 * direct assignments back that a read with warnings took as removed when it began: read beside it, a
 * user put back by the bot would be reported as assigned directly again by the old automation. Give-backs
 * are rare and follow a sign-off, so the wait costs little; waves and follow-ups only remove or read.
 */
export function waitsForStockTaking(kind: Work['kind']): boolean {
  return kind === 'restore' || kind === 'rollback';
}
