/**
 * How to read many users fresh: one `GET /users/{id}` each, 20 to a `$batch` with a few batches in
 * flight, or the tenant's whole list (`GET /users`, 999 a page) keeping only the users asked for. Pages
 * come one after another (each page's link is in the page before), batches a few at a time, so the way
 * that takes less time wins, counting a page as the rounds of batches it takes as long as (a page of
 * 999 users with their licenses answers in about a second, a 20-read batch in about a third of one): a
 * wave's last 65,000 users in a 100,000-user tenant are ~813 rounds of batches against ~101 pages (~303
 * rounds). An unknown tenant size reads per user: a page sweep of a tenant of any size could cost more
 * than the reads it replaces. Pure: counts in, a choice out.
 */

export type ManyUserReadWay = 'per-user' | 'pages';

export interface ManyUserReadLimits {
  /** Users read in one round trip per user (`$batch`: 20). */
  readonly usersPerRoundTrip: number;
  /** Those round trips kept in flight at once. */
  readonly roundTripsInFlight: number;
  /** Users on one page of the tenant's list (`$top`: 999). */
  readonly usersPerPage: number;
  /** Rounds of batches a full page takes as long as. */
  readonly roundsPerPage: number;
}

/** Sequential rounds of per-user batches for `asked` users. */
export const perUserRounds = (asked: number, limits: ManyUserReadLimits): number =>
  Math.ceil(Math.ceil(asked / limits.usersPerRoundTrip) / limits.roundTripsInFlight);

/** The whole tenant's list in rounds of batches: at least one page, however few users were counted. */
export const pageRounds = (tenantUsers: number, limits: ManyUserReadLimits): number =>
  Math.max(1, Math.ceil(tenantUsers / limits.usersPerPage)) * limits.roundsPerPage;

export function manyUserReadWay(
  asked: number,
  tenantUsers: number | null,
  limits: ManyUserReadLimits
): ManyUserReadWay {
  if (asked <= 0 || tenantUsers === null || !Number.isFinite(tenantUsers) || tenantUsers < 0)
    return 'per-user';
  return pageRounds(tenantUsers, limits) < perUserRounds(asked, limits) ? 'pages' : 'per-user';
}
