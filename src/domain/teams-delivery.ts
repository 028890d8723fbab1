/**
 * What to do when Teams refuses a post or an update, as its rate-limit guidance and error reference say:
 * 412, 429, 502, 503 and 504 are tried again with backoff (after `Retry-After` when Teams sends one); 403
 * means the bot can no longer write there (removed from the team, channel deleted or archived), so the
 * posts wait for a new channel; an update whose activity Teams no longer finds is posted afresh.
 */
export type DeliveryFailure =
  | { readonly kind: 'retry'; readonly afterMs: number }
  | { readonly kind: 'blocked' }
  | { readonly kind: 'post-afresh' }
  | { readonly kind: 'give-up' };

const RETRIABLE = new Set([412, 429, 502, 503, 504]);
/** Backoff doubles from the base up to this, so a long outage is tried every few minutes, not hammered. */
export const MAX_RETRY_DELAY_MS = 5 * 60_000;

export interface TeamsRefusal {
  /** HTTP status; undefined when no answer came (connection refused or reset). */
  readonly status: number | undefined;
  /** Teams' error code, e.g. `ActivityNotFoundInConversation`. */
  readonly code: string | undefined;
  /** Seconds, from the `Retry-After` header. */
  readonly retryAfterSeconds: number | undefined;
}

/**
 * @param attempt 1 for the first failure of this item
 * @param random a number in [0, 1): the jitter that keeps several bots from retrying in step
 */
export function deliveryFailure(
  refusal: TeamsRefusal,
  attempt: number,
  baseMs: number,
  random: number
): DeliveryFailure {
  const { status, code } = refusal;
  if (status === 403) return { kind: 'blocked' };
  if (status === 404 && code === 'ActivityNotFoundInConversation') return { kind: 'post-afresh' };
  if (status !== undefined && !RETRIABLE.has(status)) return { kind: 'give-up' };
  const backoff = Math.min(baseMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS) * (0.5 + random / 2);
  const asked = (refusal.retryAfterSeconds ?? 0) * 1000;
  return { kind: 'retry', afterMs: Math.max(backoff, asked) };
}
