import type { DirectoryFailure, UserRead } from '../domain/directory-answers';
import type { RemovalOutcome } from '../domain/journal';
import type { Journal } from './ports/journal';
import type { RemovalIntent } from '../domain/journal-summary';
import type { UserLicenseSnapshot } from '../domain/licenses';
import { plansLostAfterRemoval, type RemovalContext } from '../domain/removal-safety';
import { isPastLag, showsDirectRemovalOf } from '../domain/read-freshness';
import type { Wave } from '../domain/waves';
import type { DirectoryWriter } from './ports/directory-writer';
import { readManyUsers, readUsers } from './directory-calls';
import { readBackOf, readUntilFresh, type ReadBackOptions } from './read-until-fresh';
import { restore, type Settle } from './removal-settlement';
import { holdsDirectly } from '../domain/direct-assignment';

type InFlight = RemovalIntent;

/**
 * Settles intents left in flight by a crash (from one round trip or several that overlapped), from fresh
 * reads; returns a stop reason if one lost something. A user who cannot be read now does not hold up the
 * others: every intent that can be judged is settled (and what was lost put back), those of unreadable
 * users stay in flight, and then the first read error is thrown (the wave is tried again later).
 */
export async function reconcileWave(
  wave: Wave,
  context: RemovalContext,
  writer: DirectoryWriter,
  journal: Journal,
  settle: Settle,
  readBack: ReadBackOptions = {}
): Promise<string | null> {
  const flying = (await journal.summary()).inFlight(wave.digest);
  if (flying.length === 0) return null;
  const inFlight = flying.map((f) => f.intent);
  const restoring = new Set(flying.flatMap((f) => (f.restoring ? [f.intent.id] : [])));
  // A removal is as recent as its latest "unknown, re-checking" outcome.
  const sentBy = new Map(flying.map((f) => [f.intent.id, f.unknownAt ?? f.intent.at]));
  const reads = await freshReadsOf(inFlight, restoring, sentBy, writer, readBack);
  let stop: string | null = null;
  let unread: DirectoryFailure | null = null;
  const now = readBackOf(readBack).now;
  for (const intent of inFlight) {
    const fresh = reads.get(intent.userId);
    if (fresh?.kind !== 'read') {
      if (fresh?.kind === 'failed') unread ??= fresh;
      else await settle(intent, 'skipped', 'The user no longer exists.');
      continue;
    }
    const judged = judgeInFlight(intent, fresh.user, restoring.has(intent.id), context);
    if (judged.outcome === 'restored' && judged.lost.length > 0)
      judged.reason = await restore({ writer, journal, now }, intent, judged.lost);
    await settle(intent, judged.outcome, judged.reason);
    stop = judged.stop ?? stop;
  }
  if (unread) throw new Error(unread.reason);
  return stop;
}

/**
 * Reads the users of in-flight intents, 20 to a request (several round trips may have been in flight at
 * the crash). A read that does not show an in-flight removal may come from a replica behind it: it is
 * trusted only once the lag bound has passed since the removal could have been sent, and read again until then.
 */
async function freshReadsOf(
  inFlight: readonly InFlight[],
  restoring: ReadonlySet<string>,
  sentBy: ReadonlyMap<string, string>,
  writer: DirectoryWriter,
  readBack: ReadBackOptions
): Promise<Map<string, UserRead>> {
  const { lagBoundMs, now } = readBackOf(readBack);
  // A failed read is not read again here: that user's intents stay in flight for the next run.
  const first = await readManyUsers(writer, [...new Set(inFlight.map((i) => i.userId))]);
  return readUntilFresh(
    (ids) => readUsers(writer, ids),
    first,
    (userId, snapshot) =>
      inFlight
        .filter((i) => i.userId === userId && !restoring.has(i.id))
        .every(
          (i) =>
            showsDirectRemovalOf(snapshot, i.skuId) ||
            isPastLag(sentBy.get(i.id) ?? i.at, now(), lagBoundMs)
        ),
    readBack
  );
}

/** What a fresh read says of one in-flight intent; `lost` plans are to be put back. */
function judgeInFlight(
  intent: InFlight,
  fresh: UserLicenseSnapshot,
  restoring: boolean,
  context: RemovalContext
): { outcome: RemovalOutcome; reason: string; lost: readonly string[]; stop?: string } {
  const stillDirect = holdsDirectly(fresh, intent.skuId);
  if (stillDirect && restoring)
    // Removed, found lost and put back before the stop: the wave stays stopped.
    return {
      outcome: 'restored',
      reason: 'Removing lost plans; the direct assignment was put back.',
      lost: [],
      stop: 'A removal found on reconciling had lost plans and had been put back; the wave stopped.',
    };
  if (stillDirect)
    // Never sent, or refused: it is checked again on fresh data before anything is sent.
    return {
      outcome: 'failed',
      reason:
        'Not sent before the stop; the direct assignment is intact and will be checked and handled again.',
      lost: [],
    };
  const lost = plansLostAfterRemoval(
    fresh,
    context.skus.get(intent.skuId),
    intent.skuId,
    intent.disabledPlans,
    context.dynamicGroups
  );
  if (lost.length === 0)
    return {
      outcome: 'removed',
      reason: 'Removed before the stop (found on reconciling); the license stays, inherited.',
      lost,
    };
  return {
    outcome: 'restored',
    reason: '',
    lost,
    stop: 'A removal found on reconciling had lost plans; it was put back and the wave stopped.',
  };
}
