import type { UserLicenseSnapshot } from './licenses';
import { holdsDirectly } from './direct-assignment';

/**
 * Entra ID is eventually consistent: a read that follows a write may come from a replica that has not
 * seen it yet (Microsoft Entra identity blog, "Designing for Eventual Consistency for Microsoft Entra").
 * The bot assumes a bound on how far a replica lags (GRAPH_REPLICATION_LAG_SECONDS): a read made that
 * long after a write shows it. Until then a read that does not show the write is read again after
 * these waits, which add up to the bound, so the last read is fresh whatever it shows.
 */
export const DEFAULT_REPLICATION_LAG_BOUND_MS = 30_000;

/** Waits doubling from half a second (less for a short bound), the last trimmed: they add up to the bound. */
export function readBackDelaysFor(boundMs: number): number[] {
  const delays: number[] = [];
  let total = 0;
  for (let next = Math.min(500, boundMs / 8); total < boundMs; next *= 2) {
    const delay = Math.min(next, boundMs - total);
    delays.push(delay);
    total += delay;
  }
  return delays;
}

export const READ_BACK_DELAYS_MS: readonly number[] = readBackDelaysFor(
  DEFAULT_REPLICATION_LAG_BOUND_MS
);

/** The lag the waits cover: their sum. */
export const lagBoundOf = (delaysMs: readonly number[]): number =>
  delaysMs.reduce((sum, delay) => sum + delay, 0);

/**
 * A read made now shows every write made before `writtenAt`: the lag bound has passed since. (A write
 * is sent moments after its intent is journaled; the bound has slack for that.)
 */
export function isPastLag(writtenAt: string | Date, now: Date, lagBoundMs: number): boolean {
  return now.getTime() - new Date(writtenAt).getTime() >= lagBoundMs;
}

/** The read shows this SKU's direct assignment gone: it has seen the removal (or a later change). */
export function showsDirectRemovalOf(snapshot: UserLicenseSnapshot, skuId: string): boolean {
  return !holdsDirectly(snapshot, skuId);
}

/**
 * The journal's honest record of a removal Graph found already gone: not counted as removed by the bot
 * (a rollback does not put it back: for a leaver that would license them again).
 */
export const GONE_BEFORE_REMOVAL =
  'Gone before removal (by whom unknown yet): Graph answered that the user had no such direct license when the removal arrived. Someone else removed it first (the old script, for a leaver), or an earlier attempt of the bot whose answer was lost; the audit log names who, minutes later. Not counted as removed by the bot.';

/** A 404 about this object (Graph names the id it did not find): for a new one, not replicated yet. */
export function isNotFoundFor(error: unknown, objectId: string): boolean {
  const text = error instanceof Error ? error.message : String(error);
  const status = (error as { statusCode?: number }).statusCode;
  return (
    (status === 404 || /^404\b/.test(text)) && text.toLowerCase().includes(objectId.toLowerCase())
  );
}
