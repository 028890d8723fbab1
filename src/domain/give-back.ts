/**
 * Give-backs — a rollback, or a restore a follow-up found necessary — put licenses back, so they are
 * never given up: a pass that could not put everyone back is tried again, sooner at first, then at a
 * steady pace, until everyone is back or an admin stops it. Pure: counts and failures in, words out.
 */

export interface RetrySchedule {
  /** The pause after the first failed pass. */
  readonly firstMs: number;
  /** The pause never grows beyond this. */
  readonly maxMs: number;
}

/** 30 s, doubling, to at most 15 min: quick after a blip, gentle on Graph through a long outage. */
export const GIVE_BACK_RETRY: RetrySchedule = { firstMs: 30_000, maxMs: 15 * 60_000 };

/** How long to wait before the next pass, after this many failed passes in a row. */
export function giveBackRetryDelayMs(
  failedPasses: number,
  schedule: RetrySchedule = GIVE_BACK_RETRY
): number {
  if (failedPasses < 1) return 0;
  // The exponent is capped so a give-back stuck for weeks never overflows to Infinity.
  const delay = schedule.firstMs * 2 ** Math.min(failedPasses - 1, 40);
  return Math.min(schedule.maxMs, delay);
}

/** One direct assignment a give-back could not put back yet, and why (Graph's words). */
export interface OwedAssignment {
  readonly userPrincipalName: string;
  readonly reason: string;
}

/** Users named per reason; the rest are counted. */
const NAMED = 3;

/**
 * What a give-back still owes, in sentences: how many assignments, grouped by why they could not be put
 * back, with a few users named; when it is tried again and how to stop it.
 */
export function owedText(
  what: string,
  owed: readonly OwedAssignment[],
  putBackSoFar: number,
  retryInMs: number
): string {
  const byReason = new Map<string, OwedAssignment[]>();
  for (const item of owed) byReason.set(item.reason, [...(byReason.get(item.reason) ?? []), item]);
  const reasons = [...byReason].map(([reason, items]) => {
    const named = items.slice(0, NAMED).map((i) => i.userPrincipalName);
    const more = items.length > NAMED ? ` and ${items.length - NAMED} more` : '';
    return `${named.join(', ')}${more}: ${reason}`;
  });
  const count =
    owed.length === 1 ? '1 direct license assignment' : `${owed.length} direct license assignments`;
  return [
    `${capitalize(what)} still owes ${count}: Graph refused or failed to put ${owed.length === 1 ? 'it' : 'them'} back.`,
    ...reasons.map((r) => `${r}.`.replace(/\.\.$/, '.')),
    putBackSoFar > 0 ? `${putBackSoFar} put back so far stay back.` : '',
    retryPromise(retryInMs),
  ]
    .filter(Boolean)
    .join(' ');
}

/** When the next pass goes, and that the passes go on until everyone is back, and how to stop them. */
export function retryPromise(retryInMs: number): string {
  return `I try again in ${describeDelay(retryInMs)}, and keep trying until every one is back; \`pause\` stops the attempts, \`resume\` goes on.`;
}

/** A pause in words: seconds under two minutes, else minutes. */
export function describeDelay(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 120) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  return `${Math.round(seconds / 60)} minutes`;
}

/** A sentence's first letter in capitals (labels start lower-case to sit inside sentences). */
export const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * What a wave that failed leaves, in true words: whether anyone is waiting for a direct assignment a
 * removal took from them to be put back (it is, first, when the wave goes on). `waiting` is null when
 * the journal could not be read to tell.
 */
export function whatAFailedWaveLeaves(waiting: number | null): string {
  if (waiting === null)
    return 'I could not read the journal to tell whether anyone waits for a license to be put back; when the wave goes on it settles that from fresh reads before removing anything more.';
  if (waiting === 0)
    return 'No removal is sent until it goes on, and it first settles what was in flight from fresh reads.';
  return `${waiting === 1 ? '1 user lost' : `${waiting} users lost`} something when a direct assignment was removed and ${waiting === 1 ? 'waits' : 'wait'} for it to be put back: that is tried first when the wave goes on, before anything more is removed.`;
}
