/**
 * The runner lease as the writes see it: how long this instance may still change the tenant. Every write
 * to the directory asks it right before it leaves, after any wait (pacing, a retry's backoff), so a write
 * never goes out after another instance may have taken over.
 */
export interface WriteFence {
  /** Milliseconds this instance may still write; 0 (or less) when it may not write at all. */
  writableForMs(): number;
}

/** For the read-only command line: no write ever leaves. */
export const READ_ONLY: WriteFence = { writableForMs: () => 0 };

const NAME = 'LeaseLostError';

/**
 * A write that was not sent (or not sent again) because this instance no longer holds the runner lease,
 * or would not hold it by the time the write could leave. Neither failed nor done: whoever holds the
 * lease now settles it from fresh reads.
 */
export class LeaseLostError extends Error {
  constructor(what = 'The write') {
    super(
      `${what} was not sent: this instance no longer holds the runner lease; the instance that holds it settles it from fresh reads.`
    );
    this.name = NAME;
  }
}

/** True for a LeaseLostError, also once the Graph SDK has wrapped it (it keeps the name as `code`). */
export function isLeaseLost(error: unknown): boolean {
  if (error instanceof LeaseLostError) return true;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === NAME || code === NAME;
}
