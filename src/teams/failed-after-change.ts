/**
 * A command failed after its change was stored (a later read, a post to Teams): the admin must be told
 * what was done, never that nothing was changed.
 */
export class FailedAfterChange extends Error {
  constructor(
    /** What was stored, as a sentence without its full stop: "The migration is paused". */
    readonly change: string,
    readonly failure: unknown
  ) {
    super(`${change}, but a later step failed`);
  }
}

/** Runs what follows a stored change; a failure there says what had been stored. */
export async function afterChange<T>(change: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    // Nested: the outer change says more (it includes the inner one); the failure is the first one.
    throw new FailedAfterChange(change, error instanceof FailedAfterChange ? error.failure : error);
  }
}
