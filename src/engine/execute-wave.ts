import { performance } from 'node:perf_hooks';
import type { Journal } from './ports/journal';
import type { RemovalContext } from '../domain/removal-safety';
import {
  mayStartRoundTrip,
  RoundTripTime,
  type RoundTripLimits,
} from '../domain/round-trip-concurrency';
import { SettledKeysFold } from '../domain/wave-journal';
import type { Wave, WaveEntry } from '../domain/waves';
import { CHUNK } from './directory-calls';
import type { DirectoryWriter } from './ports/directory-writer';
import { runOverlapping } from './overlapping-round-trips';
import type { ReadBackOptions } from './read-until-fresh';
import { reconcileWave } from './reconcile-wave';
import { runRoundTrip, type ChunkUser } from './wave-round-trip';
import { WaveRun, type WaveReport } from './wave-run';

export { CHUNK, readUsers } from './directory-calls';
export type { WaveItem, WaveReport } from './wave-run';

export interface WaveExecutionOptions {
  /** Stop the wave when more users than this fail (Graph errors, not skips). */
  readonly failureThreshold?: number;
  readonly now?: () => Date;
  /** Read every user and run every pre-check, send nothing and journal nothing; needs no approval. */
  readonly dryRun?: boolean;
  /** Asked before each round trip starts: a reason to stop (e.g. paused) ends the wave; those in flight finish. */
  readonly shouldStop?: () => Promise<string | null>;
  /**
   * Asked before removals are sent; false stops the wave with the intents in flight. (The Graph client
   * checks the lease again right before each request leaves, after the pacer's wait.)
   */
  readonly mayWrite?: () => boolean;
  /** Reads back again while a replica may lag behind the removals (waits, and how to wait). */
  readonly readBack?: ReadBackOptions;
  /** Told as round trips end how many of the wave's users have been handled (the latest, not each). */
  readonly onProgress?: (
    report: WaveReport,
    usersDone: number,
    usersTotal: number
  ) => Promise<void>;
  /** At most this many round trips at once (default 16); 1 runs them one after another. */
  readonly maxRoundTripsInFlight?: number;
  /** A monotonic clock in ms, to time round trips (on the pacer's clock). */
  readonly clock?: () => number;
}

/** Enough for Graph's ceiling with round trips of several seconds (replicas lagging behind removals). */
const MAX_ROUND_TRIPS_IN_FLIGHT = 16;
/** Graph's write ceiling, when the writer cannot say its own: 3,000 per 150 s. */
const GRAPH_WRITES_PER_SECOND = 20;

/** A wave whose exact contents (its digest) have no approval in the journal: nothing may be removed. */
export class WaveNotApprovedError extends Error {}

/**
 * Executes one approved wave. For each user: a fresh read and every check of verification again (the
 * tenant may have changed since approval); the intent journaled before the removal is sent; only the
 * direct SKU removed; a read after; anything lost is put back at once, exactly, and the wave stops.
 * Round trips of 20 users overlap, as many as keep Graph's write ceiling busy; after a stop or a loss
 * none starts, and those in flight are settled. In-flight intents from a crash are reconciled first.
 */
export async function executeWave(
  wave: Wave,
  context: RemovalContext,
  writer: DirectoryWriter,
  journal: Journal,
  options: WaveExecutionOptions = {}
): Promise<WaveReport> {
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !(await journal.summary()).isWaveApproved(wave.digest)) {
    throw new WaveNotApprovedError(
      `Wave ${wave.number} (digest ${wave.digest.slice(0, 12)}) has no approval for its exact contents; nothing was removed.`
    );
  }
  const run = new WaveRun(wave, context, writer, journal, {
    now,
    // The lag bound is measured on the wave's clock unless the read-back brings its own.
    readBack: { now, ...options.readBack },
    dryRun,
    failureThreshold: options.failureThreshold ?? Math.max(3, Math.ceil(wave.userCount * 0.05)),
    mayWrite: options.mayWrite,
  });
  if (!dryRun) {
    let stop: string | null;
    try {
      stop = await reconcileWave(wave, context, writer, journal, run.settle, {
        now,
        ...options.readBack,
      });
    } finally {
      // What could be settled stays settled when another user's read failed (and that error is thrown).
      await run.journalOutcomes();
    }
    if (stop) run.stopAfterLoss(stop);
  }
  const { done, restoredEarlier } = await settledKeysIn(journal, wave.digest);
  if (restoredEarlier && !dryRun)
    run.stop(
      'Earlier in this wave a user lost something and was given the direct assignment back; the wave stays stopped.'
    );
  const { chunks, usersTotal, usersSettled } = chunksOf(wave, done);
  const progress = latestProgress((usersDone) =>
    options.onProgress ? options.onProgress(run.report, usersDone, usersTotal) : Promise.resolve()
  );
  let usersDone = usersSettled;
  try {
    await runRoundTrips(run, chunks, options, (users) => progress.tell((usersDone += users)));
  } finally {
    await run.journalOutcomes();
    await progress.settled();
  }
  await options.onProgress?.(run.report, usersTotal, usersTotal);
  return run.report;
}

/** The wave's keys already settled, folded as the journal is read: its entries are not kept. */
async function settledKeysIn(journal: Journal, digest: string) {
  const fold = new SettledKeysFold(digest, (await journal.summary()).decisions());
  await journal.forEachEntry((entry) => fold.add(entry));
  return fold.result();
}

/**
 * The wave's users with entries still to settle, 20 to a round trip (already settled ones left out), in
 * the order the wave lists them. Made as the round trips start: what is kept meanwhile is where each
 * user's entries are (~1 MB for 100,000 users, where the round trips made at once held ~22 MB).
 */
function chunksOf(wave: Wave, done: ReadonlySet<string>) {
  const { entries } = wave;
  const { order, starts, users } = entriesByUser(entries);
  const pendingOf = (user: number): WaveEntry[] => {
    const pending: WaveEntry[] = [];
    for (let k = starts[user]; k < starts[user + 1]; k++) {
      const entry = entries[order[k]];
      if (!done.has(`${entry.userId}|${entry.skuId}`)) pending.push(entry);
    }
    return pending;
  };
  let usersSettled = 0;
  if (done.size > 0)
    for (let user = 0; user < users; user++) if (pendingOf(user).length === 0) usersSettled += 1;
  function* chunks(): Generator<ChunkUser[]> {
    let chunk: ChunkUser[] = [];
    for (let user = 0; user < users; user++) {
      const pending = pendingOf(user);
      if (pending.length === 0) continue;
      chunk.push({ userId: pending[0].userId, pending });
      if (chunk.length === CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  return { chunks: chunks(), usersTotal: users, usersSettled };
}

/**
 * The entries' positions grouped by user (users in the order first listed, a user's entries in theirs):
 * user u's are order[starts[u]] to order[starts[u + 1] - 1].
 */
function entriesByUser(entries: readonly WaveEntry[]) {
  const numberOf = new Map<string, number>();
  const userOf = new Uint32Array(entries.length);
  entries.forEach((entry, index) => {
    let user = numberOf.get(entry.userId);
    if (user === undefined) numberOf.set(entry.userId, (user = numberOf.size));
    userOf[index] = user;
  });
  const users = numberOf.size;
  const starts = new Uint32Array(users + 1);
  for (const user of userOf) starts[user + 1] += 1;
  for (let user = 0; user < users; user++) starts[user + 1] += starts[user];
  const order = new Uint32Array(entries.length);
  const filled = starts.slice(0, users);
  userOf.forEach((user, index) => (order[filled[user]++] = index));
  return { order, starts, users };
}

/** Round trips, overlapping as the concurrency decision allows; `ended` is told each one's users. */
async function runRoundTrips(
  run: WaveRun,
  chunks: Iterable<ChunkUser[]>,
  options: WaveExecutionOptions,
  ended: (users: number) => void
): Promise<void> {
  const budget = () => run.writer.writeBudget?.() ?? null;
  const limits: RoundTripLimits = {
    writesPerSecond: budget()?.perSecond ?? GRAPH_WRITES_PER_SECOND,
    writesPerTrip: CHUNK,
    maxInFlight: options.maxRoundTripsInFlight ?? MAX_ROUND_TRIPS_IN_FLIGHT,
  };
  const time = new RoundTripTime();
  const clock = options.clock ?? (() => performance.now());
  let unsentWrites = 0;
  const roundTrip = async (chunk: readonly ChunkUser[]) => {
    let held = chunk.length;
    unsentWrites += held;
    const release = () => {
      unsentWrites -= held;
      held = 0;
    };
    try {
      await runRoundTrip(run, chunk, { clock, sent: release, measured: (ms) => time.record(ms) });
      ended(chunk.length);
    } finally {
      release();
    }
  };
  await runOverlapping(chunks, roundTrip, {
    mayStart: (inFlight) =>
      mayStartRoundTrip(limits, {
        inFlight,
        writeRoom: budget()?.room ?? 0,
        unsentWrites,
        roundTripMs: time.ms,
      }),
    beforeStart: async () => {
      const reason = (await options.shouldStop?.()) ?? null;
      if (reason) run.stop(reason);
      return reason === null;
    },
    halted: () => run.halted(),
    onFailure: () => run.failed(),
  });
}

/**
 * Progress told one call at a time, and only the latest while one is being told: round trips that end
 * together do not queue a notice each.
 */
function latestProgress(tell: (usersDone: number) => Promise<void>) {
  let latest: number | null = null;
  let running: Promise<void> | null = null;
  let error: unknown = null;
  const pump = async () => {
    while (latest !== null) {
      const usersDone = latest;
      latest = null;
      await tell(usersDone);
    }
  };
  return {
    tell(usersDone: number) {
      latest = usersDone;
      running ??= pump()
        .catch((e: unknown) => void (error ??= e))
        .finally(() => (running = null));
    },
    async settled() {
      while (running) await running;
      if (error) throw error;
    },
  };
}
