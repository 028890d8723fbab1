import { randomUUID } from 'node:crypto';
import {
  inFlightRemovals,
  type Journal,
  type JournalEntry,
  type RemovalOutcome,
} from '../domain/journal';
import type { UserLicenseSnapshot } from '../domain/licenses';
import {
  decideDirectRemovals,
  plansLostAfterRemoval,
  type RemovalContext,
} from '../domain/removal-safety';
import type { Wave, WaveEntry } from '../domain/waves';
import { errorText } from '../error-text';
import { isDefiniteRefusal, isPastLag, showsDirectRemovalOf } from '../domain/read-freshness';
import type { DirectoryWriter } from './directory-writer';
import { readBackOf, readUntilFresh, type ReadBackOptions } from './read-until-fresh';
import { isLeaseLost } from './write-fence';

export interface WaveItem {
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  readonly reason: string;
}

export interface WaveReport {
  readonly waveNumber: number;
  readonly removed: WaveItem[];
  readonly skipped: WaveItem[];
  readonly restored: WaveItem[];
  readonly failed: WaveItem[];
  /** Why the wave stopped before its end, or null if it ran through. */
  stoppedBecause: string | null;
  /** A dry run: `removed` lists what would be removed now; nothing was sent. */
  readonly dryRun: boolean;
  /** The stop left removals unsettled (a read back failed): run the wave again once Graph answers. */
  retryable: boolean;
  /**
   * This instance lost the runner lease: what was in hand was not sent (or its answer is unknown) and
   * stays in flight, for the instance that holds the lease to settle from fresh reads.
   */
  leaseLost: boolean;
}

export interface WaveExecutionOptions {
  /** Stop the wave when more users than this fail (Graph errors, not skips). */
  readonly failureThreshold?: number;
  readonly now?: () => Date;
  /** Read every user and run every pre-check, send nothing and journal nothing; needs no approval. */
  readonly dryRun?: boolean;
  /** Asked before each round trip: a reason to stop (e.g. paused) ends the wave before the next users. */
  readonly shouldStop?: () => Promise<string | null>;
  /**
   * Asked before removals are sent; false stops the wave with the intents in flight. (The Graph client
   * checks the lease again right before each request leaves, after the pacer's wait.)
   */
  readonly mayWrite?: () => boolean;
  /** Reads back again while a replica may lag behind the removals (waits, and how to wait). */
  readonly readBack?: ReadBackOptions;
  /** Told after each round trip how many of the wave's users have been handled. */
  readonly onProgress?: (
    report: WaveReport,
    usersDone: number,
    usersTotal: number
  ) => Promise<void>;
}

type Intent = Extract<JournalEntry, { kind: 'removal-intended' }>;

/** An error Graph may not give again in a moment: no answer, throttled, or a server error. */
const isTransient = (error: Error) =>
  ![400, 401, 403, 404].includes((error as { statusCode?: number }).statusCode ?? 0) &&
  !/^(400|401|403|404)\b/.test(error.message);

const LEASE_LOST = 'This instance may no longer write; another goes on.';

/** Users per round trip: Graph's JSON batch limit. */
export const CHUNK = 20;

/** A deleted user: 404 from a single read (statusCode) or from inside a batch (the message). */
export const isNotFound = (error: unknown): boolean =>
  (error as { statusCode?: number }).statusCode === 404 || /^404\b/.test(errorText(error));

/** A wave whose exact contents (its digest) have no approval in the journal: nothing may be removed. */
export class WaveNotApprovedError extends Error {}

/** True when the journal records an approval of exactly this wave (its digest) and no later rejection. */
export function isWaveApproved(entries: readonly JournalEntry[], wave: Wave): boolean {
  const decisions = entries.filter(
    (e): e is Extract<JournalEntry, { kind: 'wave-decision' }> =>
      e.kind === 'wave-decision' && e.waveDigest === wave.digest
  );
  return decisions.length > 0 && decisions[decisions.length - 1].decision === 'approved';
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.some((y) => y.toLowerCase() === x.toLowerCase()));

/**
 * Executes one approved wave. For each user: a fresh read and every check of verification again (the
 * tenant may have changed since approval); the intent journaled before the removal is sent; only the
 * direct SKU removed; a read after; anything lost is put back at once, exactly, and the wave stops.
 * In-flight intents from a crash are reconciled with fresh reads first; nothing is removed twice.
 */
export async function executeWave(
  wave: Wave,
  context: RemovalContext,
  writer: DirectoryWriter,
  journal: Journal,
  options: WaveExecutionOptions = {}
): Promise<WaveReport> {
  const now = options.now ?? (() => new Date());
  // The lag bound is measured on the wave's clock unless the read-back brings its own.
  const readBack: ReadBackOptions = { now, ...options.readBack };
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !isWaveApproved(await journal.entries(), wave)) {
    throw new WaveNotApprovedError(
      `Wave ${wave.number} (digest ${wave.digest.slice(0, 12)}) has no approval for its exact contents; nothing was removed.`
    );
  }
  const report: WaveReport = {
    waveNumber: wave.number,
    removed: [],
    skipped: [],
    restored: [],
    failed: [],
    stoppedBecause: null,
    dryRun,
    retryable: false,
    leaseLost: false,
  };
  const failureThreshold =
    options.failureThreshold ?? Math.max(3, Math.ceil(wave.userCount * 0.05));
  // Outcomes are journaled together at the end of each round trip (one write, not twenty). One that
  // is lost to a crash leaves its intent in flight, which the next run settles from a fresh read.
  const outcomes: JournalEntry[] = [];
  const settle = async (intent: Intent, outcome: RemovalOutcome, reason: string) => {
    outcomes.push({
      kind: 'removal-outcome',
      id: randomUUID(),
      at: now().toISOString(),
      intentId: intent.id,
      outcome,
      reason,
    });
    // A restore is recorded at once: it is what keeps the wave stopped and the removal from going again.
    if (outcome === 'restored') await journalOutcomes();
  };
  const journalOutcomes = async () => {
    const batch = outcomes.splice(0);
    if (batch.length === 0) return;
    if (journal.appendMany) await journal.appendMany(batch);
    else for (const entry of batch) await journal.append(entry);
  };

  const stopAfterLoss = dryRun
    ? null
    : await reconcile(wave, context, writer, journal, settle, readBack);
  await journalOutcomes();
  if (stopAfterLoss) report.stoppedBecause = stopAfterLoss;
  const { done, restoredEarlier } = await settledKeys(journal, wave.digest);
  if (restoredEarlier && !dryRun)
    report.stoppedBecause ??=
      'Earlier in this wave a user lost something and was given the direct assignment back; the wave stays stopped.';

  const byUser = new Map<string, WaveEntry[]>();
  for (const entry of wave.entries)
    byUser.set(entry.userId, [...(byUser.get(entry.userId) ?? []), entry]);
  const users = [...byUser];

  let failedUsers = 0;
  const countFailure = () => {
    if (++failedUsers > failureThreshold)
      report.stoppedBecause = `More than ${failureThreshold} users failed; the wave stopped.`;
  };
  // Users go 20 at a time: one batched read before, one batched removal, one batched read after.
  for (let start = 0; start < users.length && !report.stoppedBecause; start += CHUNK) {
    await journalOutcomes();
    if (start > 0) await options.onProgress?.(report, start, users.length);
    const stopBecause = (await options.shouldStop?.()) ?? null;
    if (stopBecause) {
      report.stoppedBecause = stopBecause;
      break;
    }
    const chunk = users
      .slice(start, start + CHUNK)
      .map(([userId, entries]) => ({
        userId,
        pending: entries.filter((e) => !done.has(`${e.userId}|${e.skuId}`)),
      }))
      .filter((c) => c.pending.length > 0);
    if (chunk.length === 0) continue;
    const item = (userId: string, e: WaveEntry, reason: string): WaveItem => ({
      userId,
      userPrincipalName: e.userPrincipalName,
      skuId: e.skuId,
      reason,
    });

    const before = await readUsers(
      writer,
      chunk.map((c) => c.userId)
    );
    // Graph unavailable for the whole round trip (nothing was sent): try the wave again later, rather
    // than count every user as failed and stop it.
    const readErrors = [...before.values()].filter((r): r is Error => r instanceof Error);
    if (readErrors.length === chunk.length && readErrors.some(isTransient)) throw readErrors[0];
    const planned: { userId: string; toRemove: WaveEntry[]; intents: Intent[] }[] = [];
    for (const { userId, pending } of chunk) {
      const snapshot = before.get(userId);
      // Someone who left and was deleted since the wave was frozen: nothing to remove, and no failure.
      if (snapshot instanceof Error && isNotFound(snapshot)) {
        pending.forEach((e) =>
          report.skipped.push(
            item(
              userId,
              e,
              'The user no longer exists (deleted since the wave was frozen): nothing to remove.'
            )
          )
        );
        continue;
      }
      if (!snapshot || snapshot instanceof Error) {
        pending.forEach((e) =>
          report.failed.push(
            item(
              userId,
              e,
              `Could not read the user before removing: ${errorText(snapshot ?? new Error('no answer'))}`
            )
          )
        );
        countFailure();
        continue;
      }
      const { toRemove, skipped } = preCheck(snapshot, pending, context);
      skipped.forEach(({ entry, reason }) => report.skipped.push(item(userId, entry, reason)));
      if (toRemove.length > 0) planned.push({ userId, toRemove, intents: [] });
    }
    if (planned.length === 0 || report.stoppedBecause) continue;
    if (dryRun) {
      for (const plan of planned)
        for (const entry of plan.toRemove)
          report.removed.push(
            item(plan.userId, entry, 'Would be removed: every check passes on fresh data.')
          );
      continue;
    }

    const intents: Intent[] = [];
    for (const plan of planned) {
      for (const entry of plan.toRemove) {
        const intent: Intent = {
          kind: 'removal-intended',
          id: randomUUID(),
          at: now().toISOString(),
          waveNumber: wave.number,
          waveDigest: wave.digest,
          userId: plan.userId,
          skuId: entry.skuId,
          disabledPlans: entry.disabledPlans,
        };
        intents.push(intent);
        plan.intents.push(intent);
      }
    }
    if (journal.appendMany) await journal.appendMany(intents);
    else for (const intent of intents) await journal.append(intent);
    // The right to write is checked again just before sending (another instance may hold it now);
    // the intents stay in flight for whoever goes on.
    if (options.mayWrite && !options.mayWrite()) {
      report.stoppedBecause = LEASE_LOST;
      report.leaseLost = true;
      break;
    }
    // The answer may be lost after the change was made: what happened is decided by reading, not by errors.
    const sendErrors = await removeForUsers(
      writer,
      planned.map((p) => ({ userId: p.userId, skuIds: p.toRemove.map((e) => e.skuId) }))
    );
    // Held back at the last moment (the lease ran out while the batch waited its turn or a retry): not
    // failed and not removed; the instance holding the lease settles these intents from fresh reads.
    if ([...sendErrors.values()].some((error) => error !== null && isLeaseLost(error))) {
      report.stoppedBecause = LEASE_LOST;
      report.leaseLost = true;
      break;
    }
    // A read that still shows a direct assignment may come from a replica behind the removal: it is
    // journaled "unknown, re-checking" and read again until it shows the removal (or the waits run out).
    const firstRead = await readUsers(
      writer,
      planned.map((p) => p.userId)
    );
    const isFresh = (userId: string, snapshot: UserLicenseSnapshot) => {
      const plan = planned.find((p) => p.userId === userId);
      return (
        !plan ||
        isDefiniteRefusal(sendErrors.get(userId) ?? null) ||
        plan.toRemove.every((e) => showsDirectRemovalOf(snapshot, e.skuId))
      );
    };
    for (const plan of planned) {
      const read = firstRead.get(plan.userId);
      if (read && !(read instanceof Error) && !isFresh(plan.userId, read))
        for (const intent of plan.intents)
          await settle(
            intent,
            'unknown',
            'Unknown, re-checking: the read back still shows the direct assignment, perhaps from a replica behind the removal.'
          );
    }
    await journalOutcomes();
    const after = await readUntilFresh(
      (ids) => readUsers(writer, ids),
      firstRead,
      isFresh,
      readBack
    );

    for (const plan of planned) {
      const snapshot = after.get(plan.userId);
      if (!snapshot || snapshot instanceof Error) {
        // Intents stay in flight; the next run reconciles them from fresh reads before going on.
        report.stoppedBecause = `Could not read ${plan.toRemove[0].userPrincipalName} back after removing (${errorText(snapshot ?? new Error('no answer'))}); the wave stopped and will reconcile before going on.`;
        report.retryable = true;
        break;
      }
      const outcome = await settleAfterRemoval(
        plan,
        snapshot,
        sendErrors.get(plan.userId) ?? null,
        context,
        writer,
        journal,
        settle
      );
      report.removed.push(...outcome.removed.map((o) => item(plan.userId, o.entry, o.reason)));
      report.failed.push(...outcome.failed.map((o) => item(plan.userId, o.entry, o.reason)));
      report.restored.push(...outcome.restored.map((o) => item(plan.userId, o.entry, o.reason)));
      if (outcome.stopBecause) report.stoppedBecause = outcome.stopBecause;
      if (outcome.failed.length > 0) countFailure();
    }
  }
  await journalOutcomes();
  await options.onProgress?.(report, users.length, users.length);
  return report;
}

/**
 * Every check of verification again, on the fresh read: the direct assignment must still be there,
 * unchanged since approval, and still safe to remove. What fails is skipped with its reason.
 */
function preCheck(
  snapshot: UserLicenseSnapshot,
  pending: readonly WaveEntry[],
  context: RemovalContext
): { toRemove: WaveEntry[]; skipped: { entry: WaveEntry; reason: string }[] } {
  const decisions = new Map(decideDirectRemovals(snapshot, context).map((d) => [d.skuId, d]));
  const toRemove: WaveEntry[] = [];
  const skipped: { entry: WaveEntry; reason: string }[] = [];
  for (const entry of pending) {
    const direct = snapshot.licenseAssignmentStates.find(
      (r) => r.skuId === entry.skuId && r.assignedByGroup === null
    );
    const decision = decisions.get(entry.skuId);
    if (!direct) {
      skipped.push({
        entry,
        reason: snapshot.accountEnabled
          ? 'The direct assignment is already gone (removed by someone else); nothing to do.'
          : 'The account is disabled (someone who left) and its direct assignment is already gone; nothing to do.',
      });
    } else if (!sameSet(direct.disabledPlans, entry.disabledPlans)) {
      skipped.push({
        entry,
        reason:
          'The direct assignment changed since the wave was approved; verify again and plan it in a later wave.',
      });
    } else if (!decision || decision.decision === 'skip') {
      skipped.push({ entry, reason: decision?.reason ?? 'It no longer passes verification.' });
    } else {
      toRemove.push(entry);
    }
  }
  return { toRemove, skipped };
}

interface Settled {
  removed: { entry: WaveEntry; reason: string }[];
  failed: { entry: WaveEntry; reason: string }[];
  restored: { entry: WaveEntry; reason: string }[];
  stopBecause: string | null;
}

/**
 * Judges one user's removals from the read after them: still direct (failed, nothing lost), gone with
 * every plan still enabled (removed), or gone with plans lost (put back exactly, and the wave stops).
 */
async function settleAfterRemoval(
  plan: { toRemove: WaveEntry[]; intents: Intent[] },
  after: UserLicenseSnapshot,
  sendError: Error | null,
  context: RemovalContext,
  writer: DirectoryWriter,
  journal: Journal,
  settle: (intent: Intent, outcome: RemovalOutcome, reason: string) => Promise<void>
): Promise<Settled> {
  const settled: Settled = { removed: [], failed: [], restored: [], stopBecause: null };
  for (const [index, entry] of plan.toRemove.entries()) {
    const intent = plan.intents[index];
    const stillDirect = after.licenseAssignmentStates.some(
      (r) => r.skuId === entry.skuId && r.assignedByGroup === null
    );
    const lost = plansLostAfterRemoval(
      after,
      context.skus.get(entry.skuId),
      entry.skuId,
      entry.disabledPlans
    );
    if (stillDirect) {
      const reason = sendError
        ? `Graph refused or failed the removal: ${errorText(sendError)}`
        : 'The direct assignment is still there after the removal, read again until replicas had caught up.';
      await settle(intent, 'failed', reason);
      settled.failed.push({ entry, reason });
    } else if (lost.length === 0) {
      const reason = 'Removed; the license stays, inherited.';
      await settle(intent, 'removed', reason);
      settled.removed.push({ entry, reason });
    } else {
      const reason = await restore(writer, journal, intent, lost);
      await settle(intent, 'restored', reason);
      settled.restored.push({ entry, reason });
      settled.stopBecause = `${entry.userPrincipalName} lost ${lost.length} plan(s) after removal; the direct assignment was put back and the wave stopped.`;
    }
  }
  return settled;
}

/** Fresh reads of many users: batched when the writer can, else one by one; a failed read is an Error. */
export async function readUsers(
  writer: DirectoryWriter,
  userIds: readonly string[]
): Promise<Map<string, UserLicenseSnapshot | Error>> {
  if (userIds.length === 0) return new Map();
  if (writer.readUsers) {
    try {
      return await writer.readUsers(userIds);
    } catch (error) {
      return new Map(
        userIds.map((id) => [id, error instanceof Error ? error : new Error(String(error))])
      );
    }
  }
  const result = new Map<string, UserLicenseSnapshot | Error>();
  for (const id of userIds) {
    try {
      result.set(id, await writer.readUser(id));
    } catch (error) {
      result.set(id, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return result;
}

/** Removals for many users: batched when the writer can, else one by one; a failed call is an Error. */
async function removeForUsers(
  writer: DirectoryWriter,
  items: readonly { userId: string; skuIds: readonly string[] }[]
): Promise<Map<string, Error | null>> {
  if (writer.removeDirectLicensesForUsers) {
    try {
      return await writer.removeDirectLicensesForUsers(items);
    } catch (error) {
      return new Map(
        items.map((i) => [i.userId, error instanceof Error ? error : new Error(String(error))])
      );
    }
  }
  const result = new Map<string, Error | null>();
  for (const { userId, skuIds } of items) {
    try {
      await writer.removeDirectLicenses(userId, skuIds);
      result.set(userId, null);
    } catch (error) {
      result.set(userId, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return result;
}

async function restore(
  writer: DirectoryWriter,
  journal: Journal,
  intent: Intent,
  lost: readonly string[]
): Promise<string> {
  await journal.append({
    kind: 'restore-intended',
    id: randomUUID(),
    at: new Date().toISOString(),
    intentId: intent.id,
  });
  await writer.restoreDirectLicense(intent.userId, intent.skuId, intent.disabledPlans);
  return `Removing lost ${lost.length} plan(s); the direct assignment was put back with its original disabled plans.`;
}

/**
 * (user, SKU) pairs of this wave already settled (removed, put back, or left after an interruption):
 * never sent again. Counted from this approval on, so the same contents approved again after a rollback
 * start afresh; and whether anyone in it had to be put back.
 */
async function settledKeys(
  journal: Journal,
  digest: string
): Promise<{ done: Set<string>; restoredEarlier: boolean }> {
  const all = await journal.entries();
  // The latest approval, from its first journal entry (the runner may journal a decision twice).
  let latest: Extract<JournalEntry, { kind: 'wave-decision' }> | null = null;
  for (const e of all)
    if (e.kind === 'wave-decision' && e.waveDigest === digest && e.decision === 'approved')
      latest = e;
  const from = latest
    ? all.findIndex(
        (e) =>
          e.kind === 'wave-decision' &&
          e.waveDigest === digest &&
          e.decision === 'approved' &&
          (latest?.approvalId ? e.approvalId === latest.approvalId : e === latest)
      )
    : 0;
  const entries = all.slice(Math.max(0, from));
  const intents = new Map(
    entries.flatMap((e) =>
      e.kind === 'removal-intended' && e.waveDigest === digest ? [[e.id, e]] : []
    )
  );
  // An intent's latest outcome decides: 'unknown, re-checking' later judged failed is tried again.
  const latestOutcome = new Map<string, RemovalOutcome>();
  let restoredEarlier = false;
  for (const e of entries) {
    if (e.kind !== 'removal-outcome' || !intents.has(e.intentId)) continue;
    latestOutcome.set(e.intentId, e.outcome);
    if (e.outcome === 'restored') restoredEarlier = true;
  }
  const done = new Set<string>();
  for (const [intentId, outcome] of latestOutcome) {
    const intent = intents.get(intentId);
    if (intent && outcome !== 'failed' && outcome !== 'unknown')
      done.add(`${intent.userId}|${intent.skuId}`);
  }
  return { done, restoredEarlier };
}

/** Settles intents left in flight by a crash, from fresh reads; returns a stop reason if one lost something. */
async function reconcile(
  wave: Wave,
  context: RemovalContext,
  writer: DirectoryWriter,
  journal: Journal,
  settle: (intent: Intent, outcome: RemovalOutcome, reason: string) => Promise<void>,
  readBack?: ReadBackOptions
): Promise<string | null> {
  let stop: string | null = null;
  const all = await journal.entries();
  const restoring = new Set(
    all.flatMap((e) => (e.kind === 'restore-intended' ? [e.intentId] : []))
  );
  const inFlight = inFlightRemovals(all).filter((e) => e.waveDigest === wave.digest);
  if (inFlight.length === 0) return null;
  // A read that does not show an in-flight removal may come from a replica behind it (sent just
  // before a crash, or read back stale): it is trusted only once the lag bound has passed since the
  // removal could have been sent, and read again until then.
  const sentBy = new Map(inFlight.map((i) => [i.id, i.at]));
  for (const e of all)
    if (e.kind === 'removal-outcome' && e.outcome === 'unknown' && sentBy.has(e.intentId))
      sentBy.set(e.intentId, e.at);
  const { lagBoundMs, now } = readBackOf(readBack);
  const first = new Map<string, UserLicenseSnapshot | Error>();
  for (const userId of new Set(inFlight.map((i) => i.userId))) {
    try {
      first.set(userId, await writer.readUser(userId));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      first.set(userId, error instanceof Error ? error : new Error(String(error)));
    }
  }
  const reads = await readUntilFresh(
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
  for (const intent of inFlight) {
    const fresh = reads.get(intent.userId);
    if (!fresh || fresh instanceof Error) {
      if (fresh && !isNotFound(fresh)) throw fresh;
      await settle(intent, 'skipped', 'The user no longer exists.');
      continue;
    }
    const stillDirect = fresh.licenseAssignmentStates.some(
      (r) => r.skuId === intent.skuId && r.assignedByGroup === null
    );
    if (stillDirect && restoring.has(intent.id)) {
      // Removed, found lost and put back before the stop: the wave stays stopped.
      await settle(intent, 'restored', 'Removing lost plans; the direct assignment was put back.');
      stop =
        'A removal found on reconciling had lost plans and had been put back; the wave stopped.';
      continue;
    }
    if (stillDirect) {
      // Never sent, or refused: it is checked again on fresh data before anything is sent.
      await settle(
        intent,
        'failed',
        'Not sent before the stop; the direct assignment is intact and will be checked and handled again.'
      );
      continue;
    }
    const lost = plansLostAfterRemoval(
      fresh,
      context.skus.get(intent.skuId),
      intent.skuId,
      intent.disabledPlans
    );
    if (lost.length === 0) {
      await settle(
        intent,
        'removed',
        'Removed before the stop (found on reconciling); the license stays, inherited.'
      );
    } else {
      await settle(intent, 'restored', await restore(writer, journal, intent, lost));
      stop = 'A removal found on reconciling had lost plans; it was put back and the wave stopped.';
    }
  }
  return stop;
}
