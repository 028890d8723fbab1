import { randomUUID } from 'node:crypto';
import type { DirectoryFailure, RemovalAnswer, UserRead } from '../domain/directory-answers';
import type { UserLicenseSnapshot } from '../domain/licenses';
import { showsDirectRemovalOf } from '../domain/read-freshness';
import type { WaveEntry } from '../domain/waves';
import { readUsers, removeForUsers } from './directory-calls';
import { readUntilFresh } from './read-until-fresh';
import { preCheck, settleAfterRemoval, type Intent } from './removal-settlement';
import type { WaveRun } from './wave-run';

/** A user of the wave with the entries not settled yet. */
export interface ChunkUser {
  readonly userId: string;
  readonly pending: readonly WaveEntry[];
}

interface Planned {
  readonly userId: string;
  readonly toRemove: WaveEntry[];
  readonly intents: Intent[];
}

export interface RoundTripTiming {
  /** A monotonic clock in milliseconds. */
  readonly clock: () => number;
  /** The removals left (or will not leave): their writes no longer wait for the pacer. */
  readonly sent: () => void;
  /** The round trip's time without its wait at the pacer. */
  readonly measured: (ms: number) => void;
}

/**
 * One round trip for up to 20 users: a batched fresh read and every pre-check, the intents journaled, one
 * batched removal, a batched read back (again while replicas may lag), each user settled. A halt seen
 * before the removals leave keeps them from leaving; once sent, they are always read back and settled.
 */
export async function runRoundTrip(
  run: WaveRun,
  chunk: readonly ChunkUser[],
  timing: RoundTripTiming
): Promise<void> {
  const started = timing.clock();
  const before = await readUsers(
    run.writer,
    chunk.map((c) => c.userId)
  );
  const readMs = timing.clock() - started;
  // Graph unavailable for the whole round trip (nothing was sent): try the wave again later, rather
  // than count every user as failed and stop it.
  const readErrors = [...before.values()].filter((r): r is DirectoryFailure => r.kind === 'failed');
  if (readErrors.length === chunk.length && readErrors.some((r) => r.transient))
    throw new Error(readErrors[0].reason);
  const planned = planFromReads(run, chunk, before);
  if (planned.length === 0 || run.halted()) return;
  if (run.settings.dryRun) {
    for (const plan of planned)
      for (const entry of plan.toRemove)
        run.record('removed', [
          run.item(plan.userId, entry, 'Would be removed: every check passes on fresh data.'),
        ]);
    return;
  }
  const intents = intentsFor(run, planned);
  await run.append(intents);
  // Checked and sent in one step: nothing can halt the wave between the last look and the send.
  if (!mayStillSend(run)) return settleUnsent(run, intents);
  const sending = timing.clock();
  // The answer may be lost after the change was made: what happened is decided by reading, not by errors.
  // Asked again once the pacer grants the writes, right as they leave: a loss seen meanwhile holds them.
  const answers = await removeForUsers(
    run.writer,
    planned.map((p) => ({ userId: p.userId, skuIds: p.toRemove.map((e) => e.skuId) })),
    { mayLeave: () => mayStillSend(run) }
  );
  timing.sent();
  const sendMs = timing.clock() - sending;
  // Held back at the last moment (the lease ran out while the batch waited its turn or a retry): not
  // failed and not removed; the instance holding the lease settles these intents from fresh reads.
  if ([...answers.values()].some((answer) => answer.kind === 'lease-lost')) {
    run.loseLease();
    return;
  }
  const heldBack = planned.filter((p) => answers.get(p.userId)?.kind === 'held-back');
  if (heldBack.length > 0)
    await settleUnsent(
      run,
      heldBack.flatMap((p) => p.intents)
    );
  if (run.report.leaseLost) return;
  const sent = planned.filter((p) => answers.get(p.userId)?.kind !== 'held-back');
  if (sent.length === 0) return;
  await readBackAndSettle(run, sent, answers);
  await run.journalOutcomes();
  // The batched removal costs about what a batched read does; the rest of its time was the pacer's.
  timing.measured(timing.clock() - started - sendMs + Math.min(sendMs, readMs));
}

/** The pre-checks on the fresh reads: who is skipped or failed, and what each other user has removed. */
function planFromReads(
  run: WaveRun,
  chunk: readonly ChunkUser[],
  before: ReadonlyMap<string, UserRead>
): Planned[] {
  const planned: Planned[] = [];
  for (const { userId, pending } of chunk) {
    const read = before.get(userId);
    // Someone who left and was deleted since the wave was frozen: nothing to remove, and no failure.
    if (read?.kind === 'not-found') {
      const reason =
        'The user no longer exists (deleted since the wave was frozen): nothing to remove.';
      run.record(
        'skipped',
        pending.map((e) => run.item(userId, e, reason))
      );
      continue;
    }
    if (read?.kind !== 'read') {
      const reason = `Could not read the user before removing: ${read?.reason ?? 'no answer'}`;
      run.record(
        'failed',
        pending.map((e) => run.item(userId, e, reason))
      );
      run.countFailure();
      continue;
    }
    const { toRemove, skipped } = preCheck(read.user, pending, run.context);
    run.record(
      'skipped',
      skipped.map(({ entry, reason }) => run.item(userId, entry, reason))
    );
    if (toRemove.length > 0) planned.push({ userId, toRemove, intents: [] });
  }
  return planned;
}

function intentsFor(run: WaveRun, planned: readonly Planned[]): Intent[] {
  const intents: Intent[] = [];
  for (const plan of planned)
    for (const entry of plan.toRemove) {
      const intent: Intent = {
        kind: 'removal-intended',
        id: randomUUID(),
        at: run.settings.now().toISOString(),
        waveNumber: run.wave.number,
        waveDigest: run.wave.digest,
        userId: plan.userId,
        skuId: entry.skuId,
        disabledPlans: entry.disabledPlans,
      };
      intents.push(intent);
      plan.intents.push(intent);
    }
  return intents;
}

/**
 * The last look before the removals leave. Another instance may hold the right to write now: the intents
 * stay in flight for whoever goes on. Or the wave stopped while they were journaled (a loss, a pause, an
 * error in another round trip).
 */
function mayStillSend(run: WaveRun): boolean {
  if (run.settings.mayWrite && !run.settings.mayWrite()) run.loseLease();
  return !run.halted();
}

/** Intents whose removals did not leave: settled as not sent, unless another instance settles them. */
async function settleUnsent(run: WaveRun, intents: readonly Intent[]): Promise<void> {
  if (run.report.leaseLost) return;
  for (const intent of intents)
    await run.settle(
      intent,
      'failed',
      'Not sent: the wave stopped before this round trip’s removals left; the direct assignment is intact.'
    );
  await run.journalOutcomes();
}

/**
 * A read that still shows a direct assignment may come from a replica behind the removal: it is
 * journaled "unknown, re-checking" and read again until it shows the removal (or the waits run out).
 */
async function readBackAndSettle(
  run: WaveRun,
  planned: readonly Planned[],
  answers: ReadonlyMap<string, RemovalAnswer>
): Promise<void> {
  const byUser = new Map(planned.map((p) => [p.userId, p]));
  const firstRead = await readUsers(run.writer, [...byUser.keys()]);
  const isFresh = (userId: string, snapshot: UserLicenseSnapshot) => {
    const plan = byUser.get(userId);
    return (
      !plan ||
      isRefused(answers.get(userId)) ||
      plan.toRemove.every((e) => showsDirectRemovalOf(snapshot, e.skuId))
    );
  };
  for (const plan of planned) {
    const read = firstRead.get(plan.userId);
    if (read?.kind === 'read' && !isFresh(plan.userId, read.user))
      for (const intent of plan.intents)
        await run.settle(
          intent,
          'unknown',
          'Unknown, re-checking: the read back still shows the direct assignment, perhaps from a replica behind the removal.'
        );
  }
  await run.journalOutcomes();
  const after = await readUntilFresh(
    (ids) => readUsers(run.writer, ids),
    firstRead,
    isFresh,
    run.settings.readBack
  );
  // One user's failed read back leaves only that user in flight: the others are settled now (and any
  // loss among them put back at once), not left for the next run.
  for (const plan of planned) await settleUser(run, plan, after, answers);
}

/** Graph refused the removal outright: nothing changed, so a read still showing it is right, however stale. */
const isRefused = (answer: RemovalAnswer | undefined) =>
  answer?.kind === 'failed' && !answer.transient;

/** Settles one user from the read after; when the read failed, its intents stay in flight. */
async function settleUser(
  run: WaveRun,
  plan: Planned,
  after: ReadonlyMap<string, UserRead>,
  answers: ReadonlyMap<string, RemovalAnswer>
): Promise<void> {
  const read = after.get(plan.userId);
  if (read?.kind !== 'read') {
    // Intents stay in flight; the next run reconciles them from fresh reads before going on.
    run.stop(
      `Could not read ${plan.toRemove[0].userPrincipalName} back after removing (${read?.reason ?? 'no answer'}); the wave stopped and will reconcile before going on.`
    );
    run.report.retryable = true;
    return;
  }
  const outcome = await settleAfterRemoval(plan, read.user, answers.get(plan.userId), {
    context: run.context,
    writer: run.writer,
    journal: run.journal,
    settle: run.settle,
    now: run.settings.now,
    onLoss: (reason) => run.stopAfterLoss(reason),
  });
  const items = (list: { entry: WaveEntry; reason: string }[]) =>
    list.map((o) => run.item(plan.userId, o.entry, o.reason));
  run.record('removed', items(outcome.removed));
  run.record('skipped', items(outcome.skipped));
  run.record('failed', items(outcome.failed));
  run.record('restored', items(outcome.restored));
  if (outcome.failed.length > 0) run.countFailure();
}
