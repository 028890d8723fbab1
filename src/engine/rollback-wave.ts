import { randomUUID } from 'node:crypto';
import { noAnswer, type UserRead } from '../domain/directory-answers';
import { inFlightRemovals, type JournalEntry } from '../domain/journal';
import type { Journal } from './ports/journal';
import type { DirectoryWriter } from './ports/directory-writer';
import { CHUNK, writeThrown } from './directory-calls';
import type { ReadBackOptions } from './read-until-fresh';
import { holdsDirectly } from '../domain/direct-assignment';
import {
  journalAppend,
  journalEntries,
  latestWrites,
  readFresh,
  type Intent,
} from './rollback-reads';
import { LeaseLostError } from './ports/write-fence';

export interface RollbackReport {
  readonly waveNumber: number;
  /** Direct assignments put back exactly (SKU and disabled plans). */
  readonly restored: { userId: string; skuId: string }[];
  /** Already back (someone restored it, or it was never gone), or the user is deleted: nothing sent. */
  readonly alreadyThere: { userId: string; skuId: string }[];
  /** Not put back yet (Graph refused, or could not read the user): owed, and tried again. */
  readonly failed: { userId: string; skuId: string; reason: string }[];
  /** A dry run: `restored` lists what would be put back; nothing was sent. */
  readonly dryRun: boolean;
}

export { JournalUnavailableError } from './rollback-reads';

/**
 * Rolls back an (approved) wave: every direct assignment the journal says it removed is put back with
 * its original disabled plans. A full rollback first settles the wave's removals left in flight (a wave
 * stopped mid-round-trip) from fresh reads, so one that did happen is put back too. Idempotent: fresh
 * reads first, so nothing is assigned twice. Per user: one refused does not stop the others; it is in
 * `failed`, for the caller to try again. A dry run reads and says what it would put back, and sends
 * nothing.
 */
export async function rollbackWave(
  waveDigest: string,
  writer: DirectoryWriter,
  journal: Journal,
  options: {
    now?: () => Date;
    dryRun?: boolean;
    /** Only these removals (intent ids): a follow-up's restore puts back what it found missing. */
    only?: ReadonlySet<string>;
    /** Why, in the journal. */
    reason?: string;
    /** Reads again while a replica may lag behind the wave's removals or earlier put-backs. */
    readBack?: ReadBackOptions;
  } = {}
): Promise<RollbackReport> {
  const now = options.now ?? (() => new Date());
  const readBack: ReadBackOptions = { now, ...options.readBack };
  const dryRun = options.dryRun ?? false;
  const outcome = outcomeRecorder(now);
  const run: RestoreRun = {
    writer,
    journal,
    readBack,
    dryRun,
    reason: options.reason,
    outcome,
    restored: [],
    alreadyThere: [],
    failed: [],
  };
  let entries = await journalEntries(journal, waveDigest);
  if (!options.only && !dryRun) {
    const settled = await settleInFlight(
      entries,
      waveDigest,
      writer,
      outcome,
      run.failed,
      readBack
    );
    if (settled.length > 0) {
      await journalAppend(journal, settled);
      entries = await journalEntries(journal, waveDigest);
    }
  }
  const removed = removalsToRestore(entries, waveDigest, options.only);
  const latest = latestWrites(entries);
  for (let start = 0; start < removed.length; start += CHUNK)
    await restoreChunk(removed.slice(start, start + CHUNK), latest, run);
  const { restored, alreadyThere, failed } = run;
  return { waveNumber: removed[0]?.waveNumber ?? 0, restored, alreadyThere, failed, dryRun };
}

type RecordOutcome = (
  intent: Intent,
  result: 'removed' | 'skipped' | 'restored' | 'failed',
  reason: string
) => JournalEntry;

/** A journal entry for an intent's outcome, stamped with the clock's time. */
function outcomeRecorder(now: () => Date): RecordOutcome {
  return (intent, result, reason) => ({
    kind: 'removal-outcome',
    id: randomUUID(),
    at: now().toISOString(),
    intentId: intent.id,
    outcome: result,
    reason,
  });
}

/** What one rollback sends through, and what it has found so far. */
interface RestoreRun {
  readonly writer: DirectoryWriter;
  readonly journal: Journal;
  readonly readBack: ReadBackOptions;
  readonly dryRun: boolean;
  readonly reason: string | undefined;
  readonly outcome: RecordOutcome;
  readonly restored: RollbackReport['restored'];
  readonly alreadyThere: RollbackReport['alreadyThere'];
  readonly failed: RollbackReport['failed'];
}

/** The wave's removals that happened (all, or only the given intents), in journal order. */
function removalsToRestore(
  entries: readonly JournalEntry[],
  waveDigest: string,
  only: ReadonlySet<string> | undefined
): Intent[] {
  const intents = new Map(
    entries.flatMap((e) =>
      e.kind === 'removal-intended' && e.waveDigest === waveDigest ? [[e.id, e]] : []
    )
  );
  return entries.flatMap((e) => {
    const intent =
      e.kind === 'removal-outcome' && e.outcome === 'removed' ? intents.get(e.intentId) : undefined;
    return intent && (!only || only.has(intent.id)) ? [intent] : [];
  });
}

/** One chunk of removals read fresh, and each put back unless it is already there. */
async function restoreChunk(
  chunk: readonly Intent[],
  latest: ReturnType<typeof latestWrites>,
  run: RestoreRun
): Promise<void> {
  // "Already there" is trusted only from a read that shows the bot's latest write (the removal, or
  // a put-back), or made once the lag bound has passed since it: a lagging replica may show either.
  const fresh = await readFresh(
    run.writer,
    chunk,
    run.readBack,
    (intent, user) => {
      const last = latest.get(intent.id);
      return last?.outcome === 'restored'
        ? holdsDirectly(user, intent.skuId)
        : !holdsDirectly(user, intent.skuId);
    },
    (intent) => latest.get(intent.id)?.at ?? intent.at
  );
  for (const intent of chunk) {
    const key = { userId: intent.userId, skuId: intent.skuId };
    const user = fresh.get(intent.userId) ?? noAnswer('Graph gave no answer for this user.');
    // A user deleted since has nothing to put back.
    if (user.kind !== 'read') {
      if (user.kind === 'not-found') run.alreadyThere.push(key);
      else run.failed.push({ ...key, reason: `could not be read (${user.reason})` });
      continue;
    }
    if (holdsDirectly(user.user, intent.skuId)) {
      run.alreadyThere.push(key);
      continue;
    }
    if (run.dryRun) {
      run.restored.push(key);
      continue;
    }
    await putBack(intent, key, run);
  }
}

/** Puts one direct assignment back exactly, and journals it. */
async function putBack(
  intent: Intent,
  key: { userId: string; skuId: string },
  run: RestoreRun
): Promise<void> {
  const answer = await run.writer
    .restoreDirectLicense(intent.userId, intent.skuId, intent.disabledPlans)
    .catch(writeThrown);
  // Another instance holds the lease now: it goes on from fresh reads; nothing more is sent here.
  if (answer.kind === 'lease-lost') throw new LeaseLostError('The restore');
  if (answer.kind !== 'done') {
    // A user deleted since has nothing to put back.
    if (answer.kind === 'not-found') run.alreadyThere.push(key);
    else run.failed.push({ ...key, reason: answer.reason });
    return;
  }
  await journalAppend(run.journal, [
    run.outcome(
      intent,
      'restored',
      run.reason ?? 'Rolled back with the wave: the direct assignment was put back exactly.'
    ),
  ]);
  run.restored.push(key);
}

/**
 * The wave's removals left in flight, settled from fresh reads before the rollback: removed (then put
 * back with the rest), never sent, already put back, or the user gone. One that cannot be read stays in
 * flight and is owed: the rollback is not done until it is settled.
 */
async function settleInFlight(
  entries: readonly JournalEntry[],
  waveDigest: string,
  writer: DirectoryWriter,
  outcome: RecordOutcome,
  owed: RollbackReport['failed'],
  readBack: ReadBackOptions
): Promise<JournalEntry[]> {
  const inFlight = inFlightRemovals(entries).filter((i) => i.waveDigest === waveDigest);
  if (inFlight.length === 0) return [];
  const restoring = new Set(
    entries.flatMap((e) => (e.kind === 'restore-intended' ? [e.intentId] : []))
  );
  const settled: JournalEntry[] = [];
  for (let start = 0; start < inFlight.length; start += CHUNK) {
    const chunk = inFlight.slice(start, start + CHUNK);
    // A removal sent just before the stop may not show yet: "intact" only from a read past the lag.
    const latest = latestWrites(entries);
    const fresh = await readFresh(
      writer,
      chunk,
      readBack,
      (intent, user) => restoring.has(intent.id) || !holdsDirectly(user, intent.skuId),
      (intent) => latest.get(intent.id)?.at ?? intent.at
    );
    for (const intent of chunk) {
      const user = fresh.get(intent.userId) ?? noAnswer('Graph gave no answer for this user.');
      settled.push(...settlementOf(intent, user, restoring.has(intent.id), outcome, owed));
    }
  }
  return settled;
}

/**
 * What one in-flight removal's fresh read says happened: the outcome to journal, or nothing (and it
 * is owed) when the user could not be read.
 */
function settlementOf(
  intent: Intent,
  user: UserRead,
  restoring: boolean,
  outcome: RecordOutcome,
  owed: RollbackReport['failed']
): JournalEntry[] {
  if (user.kind !== 'read') {
    if (user.kind === 'not-found')
      return [outcome(intent, 'skipped', 'The user no longer exists.')];
    owed.push({
      userId: intent.userId,
      skuId: intent.skuId,
      reason: `could not be read to settle its unfinished removal (${user.reason})`,
    });
    return [];
  }
  if (!holdsDirectly(user.user, intent.skuId))
    return [
      outcome(
        intent,
        'removed',
        'Removed before the rollback (found on settling); put back with the wave.'
      ),
    ];
  if (restoring)
    return [
      outcome(
        intent,
        'restored',
        'Removing lost plans; the direct assignment was put back before the rollback.'
      ),
    ];
  return [
    outcome(intent, 'failed', 'Not removed before the rollback: the direct assignment is intact.'),
  ];
}
