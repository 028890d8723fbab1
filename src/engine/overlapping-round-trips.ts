/**
 * Runs round trips over independent items, several at once. Before each new one: `mayStart` (the
 * concurrency decision) and `beforeStart` (a reason to stop: paused, window closed, lease gone). Once
 * `halted` holds, or a round trip throws, no new one starts; those in flight always run to their end
 * (they settle what they sent), and then the first error is thrown.
 */
export interface OverlapControl {
  /** With this many in flight, may another start now? Asked again each time one ends. */
  mayStart(inFlight: number): boolean;
  /** False: start no more (the reason is recorded by the caller). */
  beforeStart(): Promise<boolean>;
  halted(): boolean;
  /** A round trip threw: the others must send nothing more. */
  onFailure(error: unknown): void;
}

export async function runOverlapping<T>(
  items: Iterable<T>,
  runOne: (item: T) => Promise<void>,
  control: OverlapControl
): Promise<void> {
  const running = new Set<Promise<void>>();
  const errors: unknown[] = [];
  // Items are taken one at a time as round trips start: a caller may make them as they are taken.
  const iterator = items[Symbol.iterator]();
  for (let next = iterator.next(); !next.done;) {
    if (control.halted() || errors.length > 0) break;
    if (running.size > 0 && !control.mayStart(running.size)) {
      await Promise.race(running);
      continue;
    }
    if (!(await control.beforeStart()) || control.halted() || errors.length > 0) break;
    const item = next.value;
    next = iterator.next();
    const trip: Promise<void> = runOne(item)
      .catch((error: unknown) => {
        errors.push(error);
        control.onFailure(error);
      })
      .finally(() => running.delete(trip));
    running.add(trip);
  }
  await Promise.all(running);
  if (errors.length > 0) throw errors[0];
}
