import type { UserLicenseSnapshot } from './licenses';

/**
 * Entra ID is eventually consistent: a read that follows a write may come from a replica that has not
 * seen it yet (Microsoft Entra identity blog, "Designing for Eventual Consistency for Microsoft Entra").
 * A read is known to be fresh enough for a removal only when it shows the removal; until then it is
 * read again after these waits (about half a minute in all: replicas catch up within seconds).
 */
export const READ_BACK_DELAYS_MS: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

/** The read shows this SKU's direct assignment gone: it has seen the removal (or a later change). */
export function showsDirectRemovalOf(snapshot: UserLicenseSnapshot, skuId: string): boolean {
  return !snapshot.licenseAssignmentStates.some(
    (r) => r.skuId.toLowerCase() === skuId.toLowerCase() && r.assignedByGroup === null
  );
}

/**
 * Graph refused the removal outright (or throttled it: not run), so nothing changed and a read still showing the direct assignment
 * is right, however stale. "Does not have a corresponding license" is not such a refusal: it is what an
 * earlier attempt that did go through (a lost answer, retried) leaves, and a replica may not show it yet.
 */
export function isDefiniteRefusal(error: Error | null): boolean {
  if (!error) return false;
  const status =
    (error as { statusCode?: number }).statusCode ?? Number(/^(\d{3})\b/.exec(error.message)?.[1]);
  return (
    [400, 401, 403].includes(status) &&
    !/does not have a corresponding license/i.test(error.message)
  );
}

/** A 404 about this object (Graph names the id it did not find): for a new one, not replicated yet. */
export function isNotFoundFor(error: unknown, objectId: string): boolean {
  const text = error instanceof Error ? error.message : String(error);
  const status = (error as { statusCode?: number }).statusCode;
  return (
    (status === 404 || /^404\b/.test(text)) && text.toLowerCase().includes(objectId.toLowerCase())
  );
}
