import type { UserRead } from '../domain/directory-answers';
import type { UserLicenseSnapshot } from '../domain/licenses';
import { READ_BACK_DELAYS_MS, lagBoundOf } from '../domain/read-freshness';

/**
 * How reads are repeated while a replica may lag: the waits (they add up to the lag bound the bot
 * assumes), how to wait, and the clock the bound is measured on (tests give a simulated one).
 */
export interface ReadBackOptions {
  readonly delaysMs?: readonly number[];
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

/** Waits this long in real time: the default wherever a wait takes an injectable sleep. */
export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The waits, the lag bound they cover, how to wait and the clock, defaults filled in. */
export function readBackOf(options: ReadBackOptions = {}) {
  const delaysMs = options.delaysMs ?? READ_BACK_DELAYS_MS;
  return {
    delaysMs,
    lagBoundMs: lagBoundOf(delaysMs),
    sleep: options.sleep ?? realSleep,
    now: options.now ?? (() => new Date()),
  };
}

/**
 * Reads these users again, after each wait in turn, until `isFresh` holds for each one's read (or the
 * waits run out); returns the latest read of each. A user whose read fails is not read again.
 */
export async function readUntilFresh(
  reread: (userIds: readonly string[]) => Promise<Map<string, UserRead>>,
  first: ReadonlyMap<string, UserRead>,
  isFresh: (userId: string, snapshot: UserLicenseSnapshot) => boolean,
  options: ReadBackOptions = {}
): Promise<Map<string, UserRead>> {
  const latest = new Map(first);
  const { delaysMs, sleep } = readBackOf(options);
  const stale = () =>
    [...latest].flatMap(([userId, read]) =>
      read.kind !== 'read' || isFresh(userId, read.user) ? [] : [userId]
    );
  for (const delay of delaysMs) {
    const waiting = stale();
    if (waiting.length === 0) break;
    await sleep(delay);
    for (const [userId, read] of await reread(waiting)) latest.set(userId, read);
  }
  return latest;
}
