import { realSleep } from './read-until-fresh';
import { nextPollMs, processingWaitsFor } from '../domain/processing-wait';
import { isPastLag } from '../domain/read-freshness';
import { isNotFoundFor, type GroupWriter } from './ports/group-writer';

/** What showed a group's processing finished: the audit event, the members' license states, or the state alone. */
export type ProcessingConfirmation = 'audit' | 'license states' | 'processing state';

export interface ProcessingWait {
  /** Every group's processing is complete. */
  readonly complete: boolean;
  /** Groups still processing at the deadline. */
  readonly pending: readonly string[];
  /** For each pending group, what it still waited for (the end of a sentence: "… waits for …"). */
  readonly waitingFor: Readonly<Record<string, string>>;
  /** Whether the audit log confirmed the finish of every group assigned in this run. */
  readonly auditConfirmed: boolean;
  /** What the wait relied on for the groups assigned in this run (the weakest used), for the channel. */
  readonly confirmedBy: ProcessingConfirmation;
}

/** How to wait for license processing: see waitForProcessing. */
export interface ProcessingWaitOptions {
  /** The pause between polls after progress; it doubles while nothing moves, up to `maxPollMs`. */
  pollMs?: number;
  /**
   * The longest pause between polls (default 2 × pollMs): the states of a few groups are a few cheap
   * reads, and every second past the end of processing is a second the waves wait.
   */
  maxPollMs?: number;
  timeoutMs?: number;
  /** How often to read the audit log at most (default 30 s); members' states are read each poll. */
  auditEveryMs?: number;
  assignedSince?: Date;
  assigned?: readonly string[];
  /** Told each time a group's processing state changes (for the channel). */
  onChange?: (groupId: string, state: string | null) => Promise<void>;
  /** The last member add or assignment (PopulateReport.lastWriteAt): earlier reads may be stale. */
  lastWriteAt?: string | null;
  /** How far a replica may lag (the replication-lag bound). */
  lagBoundMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** The groups assigned in this run whose finish must be confirmed, and what has confirmed it so far. */
interface Confirmations {
  /** Lower-cased ids of the groups assigned in this run. */
  readonly needed: Set<string>;
  readonly byAudit: Set<string>;
  readonly byStates: Set<string>;
  /** The audit log answered that it may not be read: never asked again. */
  auditForbidden: boolean;
  /** When the audit log was last read (ms since the epoch). */
  lastAuditRead: number;
}

/**
 * Waits until every group's license processing is complete: its `licenseProcessingState` says
 * ProcessingComplete and, for groups assigned a license since `assignedSince`, either the audit log holds
 * the "Finish applying group based license to users" event or every member's license states carry the
 * group's assignment. The state flips before the last members are written on a busy tenant, so it is never
 * enough alone; the members' states are the ground truth, and the audit event (minutes late in real
 * tenants) confirms when it arrives. The audit log is read at most every `auditEveryMs` (its own limit is
 * 5 requests per 10 s per app), and an audit log that is throttled, failing or forbidden never fails the wait.
 */
export async function waitForProcessing(
  groupIds: readonly string[],
  writer: GroupWriter,
  options: ProcessingWaitOptions = {}
): Promise<ProcessingWait> {
  const lastStates = new Map<string, string | null>();
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const deadline = now().getTime() + (options.timeoutMs ?? 30 * 60_000);
  const auditEveryMs = options.auditEveryMs ?? 30_000;
  const confirmations: Confirmations = {
    needed: new Set((options.assigned ?? []).map((id) => id.toLowerCase())),
    byAudit: new Set<string>(),
    byStates: new Set<string>(),
    auditForbidden: false,
    lastAuditRead: -Infinity,
  };
  let waiting = [...groupIds];
  const pollMs = options.pollMs ?? 5_000;
  const bounds = { pollMs, maxPollMs: options.maxPollMs ?? 2 * pollMs };
  let pauseMs: number | null = null;
  for (;;) {
    // A replica that has not seen the last member add or assignment may still say ProcessingComplete
    // (a reused group's state from before): only a read made the lag bound after them counts.
    const fresh =
      !options.lastWriteAt || isPastLag(options.lastWriteAt, now(), options.lagBoundMs ?? 0);
    const states = await readProcessingStates(waiting, writer);
    let progressed = await tellStateChanges(waiting, states, lastStates, options.onChange);
    const complete = (i: number) => fresh && states[i] === 'ProcessingComplete';
    const unconfirmed = waiting.filter((id, i) => complete(i) && !isConfirmed(confirmations, id));
    if (options.assignedSince)
      await confirmFinishes(unconfirmed, writer, confirmations, {
        assignedSince: options.assignedSince,
        auditEveryMs,
        now,
      });
    const stillWaiting = waiting.filter((id, i) => !complete(i) || !isConfirmed(confirmations, id));
    const waitingFor = whatEachWaitsFor(waiting, stillWaiting, states, fresh);
    progressed ||= stillWaiting.length < waiting.length;
    waiting = stillWaiting;
    if (waiting.length === 0 || now().getTime() > deadline)
      return processingWaitResult(waiting, waitingFor, confirmations);
    // Backs off while nothing moves, so a wait of many minutes (a busy tenant) asks Graph rarely.
    pauseMs = nextPollMs(pauseMs, progressed, bounds);
    // The last poll is made at the deadline, not a whole pause after it.
    await sleep(Math.min(pauseMs, Math.max(1, deadline - now().getTime() + 1)));
  }
}

/**
 * Each group's processing state, in order. A group just created may be "not found" on the replica
 * answering: not processed yet, then (null).
 */
async function readProcessingStates(
  groupIds: readonly string[],
  writer: GroupWriter
): Promise<(string | null)[]> {
  return Promise.all(
    groupIds.map((id) =>
      writer.processingState(id).catch((error: unknown) => {
        if (isNotFoundFor(error, id)) return null;
        throw error;
      })
    )
  );
}

/** Tells `onChange` of each group whose processing moved forward since last read; whether any did. */
async function tellStateChanges(
  groupIds: readonly string[],
  states: readonly (string | null)[],
  lastStates: Map<string, string | null>,
  onChange: ProcessingWaitOptions['onChange']
): Promise<boolean> {
  let progressed = false;
  for (const [i, id] of groupIds.entries()) {
    // Told only as processing moves forward: a replica behind the last read answers an earlier state.
    if (
      lastStates.has(id) &&
      processingRank(states[i]) <= processingRank(lastStates.get(id) ?? null)
    )
      continue;
    lastStates.set(id, states[i]);
    progressed = true;
    await onChange?.(id, states[i]);
  }
  return progressed;
}

/** Whether a group needs no confirmation of its finish, or has one (the audit log's or its members' states'). */
function isConfirmed(confirmations: Confirmations, id: string): boolean {
  const key = id.toLowerCase();
  return (
    !confirmations.needed.has(key) ||
    confirmations.byAudit.has(key) ||
    confirmations.byStates.has(key)
  );
}

/**
 * Looks for a confirmation of each group that says complete but is unconfirmed: in the audit log, then in
 * its members' license states. Records what it finds in `confirmations`.
 */
async function confirmFinishes(
  unconfirmed: readonly string[],
  writer: GroupWriter,
  confirmations: Confirmations,
  options: { assignedSince: Date; auditEveryMs: number; now: () => Date }
): Promise<void> {
  const { now } = options;
  // The audit log has its own tight limit (5 requests / 10 s): read at most every auditEveryMs. The
  // members' states are ordinary directory reads, and the group already says complete: read each poll.
  if (
    unconfirmed.length > 0 &&
    !confirmations.auditForbidden &&
    now().getTime() - confirmations.lastAuditRead >= options.auditEveryMs
  ) {
    confirmations.lastAuditRead = now().getTime();
    const finished = await writer.processingFinishedSince(options.assignedSince);
    confirmations.auditForbidden = finished === null;
    if (finished instanceof Set)
      for (const id of unconfirmed)
        if (finished.has(id.toLowerCase())) confirmations.byAudit.add(id.toLowerCase());
  }
  for (const id of unconfirmed) {
    if (!confirmations.byAudit.has(id.toLowerCase()) && (await writer.membersProcessed(id)))
      confirmations.byStates.add(id.toLowerCase());
  }
}

/** For each group still waiting, what it waits for (the end of a sentence: "… waits for …"). */
function whatEachWaitsFor(
  groupIds: readonly string[],
  stillWaiting: readonly string[],
  states: readonly (string | null)[],
  fresh: boolean
): Record<string, string> {
  return Object.fromEntries(
    groupIds.flatMap((id, i) =>
      stillWaiting.includes(id) ? [[id, processingWaitsFor({ state: states[i], fresh })]] : []
    )
  );
}

/** The wait's outcome once every group is done or the deadline has passed. */
function processingWaitResult(
  pending: readonly string[],
  waitingFor: Readonly<Record<string, string>>,
  confirmations: Confirmations
): ProcessingWait {
  const { needed, byAudit, byStates } = confirmations;
  const auditConfirmed = needed.size > 0 && byAudit.size === needed.size;
  return {
    complete: pending.length === 0,
    pending,
    waitingFor,
    auditConfirmed,
    confirmedBy: auditConfirmed
      ? 'audit'
      : byStates.size > 0
        ? 'license states'
        : 'processing state',
  };
}

/** How far a group's license processing has come, as its `licenseProcessingState` says. */
function processingRank(state: string | null): number {
  if (state === 'ProcessingComplete') return 3;
  if (state === 'ProcessingInProgress') return 2;
  return state === null ? 0 : 1;
}
