import type { GroupPlan } from '../domain/group-plan';
import { nextPollMs, processingWaitsFor } from '../domain/processing-wait';
import { READ_BACK_DELAYS_MS, isNotFoundFor, isPastLag } from '../domain/read-freshness';
import type { GroupWriter } from './group-writer';
import type { ReadBackOptions } from './read-until-fresh';

export interface PopulateReport {
  readonly groups: {
    readonly displayName: string;
    readonly groupId: string | null;
    readonly created: boolean;
    readonly membersAdded: number;
    readonly licenseAssigned: boolean;
  }[];
  /** Users who could not be added, with Graph's reason. */
  readonly failures: { groupName: string; userId: string; reason: string }[];
  /**
   * When the last member add or license assignment was sent (ISO), null if none was: a processing state
   * read before the replication-lag bound has passed since may not have seen it.
   */
  lastWriteAt: string | null;
  readonly dryRun: boolean;
}

/** Graph's longest mailNickname. */
const NICKNAME_LENGTH = 64;

/**
 * The mailNickname of a planned group for one approved assignment: the plan's, marked with the
 * assignment (`key`, its approval id). It follows from what is recorded before the create, so a run
 * that never learnt the created group's id (a crash, a lost answer, another instance) finds it by it.
 */
export function licensingGroupNickname(planned: string, key: string | undefined): string {
  const mark = (key ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);
  if (!mark) return planned.slice(0, NICKNAME_LENGTH);
  return `${planned.slice(0, NICKNAME_LENGTH - mark.length - 1)}-${mark}`;
}

/**
 * Phase 3: creates (or reuses) each planned group, adds its members, and assigns it the SKU with the same
 * disabled plans as the direct assignments. Direct assignments are not touched. With `dryRun`, says
 * exactly what it would do and changes nothing.
 */
export async function populateAndAssign(
  plan: GroupPlan,
  writer: GroupWriter,
  options: {
    dryRun?: boolean;
    description?: string;
    /** Groups this migration created before (a resumed run): reused, never created twice. */
    knownGroupIds?: Readonly<Record<string, string>>;
    /** Marks the groups this assignment creates (its approval id): see licensingGroupNickname. */
    groupKey?: string;
    /** Told each group's id as soon as it exists, so a resumed run finds it. */
    onGroupReady?: (displayName: string, groupId: string) => Promise<void>;
    /** How long to wait for a new group to replicate (its writes answer 404 until then). */
    replication?: ReadBackOptions;
  } = {}
): Promise<PopulateReport> {
  const report: PopulateReport = {
    groups: [],
    failures: [],
    dryRun: options.dryRun ?? false,
    lastWriteAt: null,
  };
  const now = options.replication?.now ?? (() => new Date());
  for (const planned of plan.groups) {
    if (options.dryRun) {
      report.groups.push({
        displayName: planned.displayName,
        groupId: planned.existingGroupId,
        created: planned.existingGroupId === null,
        membersAdded: planned.toAdd,
        licenseAssigned: planned.existingGroupId === null,
      });
      continue;
    }
    const created = planned.existingGroupId === null;
    let justCreated: string | null = null;
    const groupId =
      planned.existingGroupId ??
      options.knownGroupIds?.[planned.displayName] ??
      (await findOrCreateGroup(
        writer,
        planned.displayName,
        licensingGroupNickname(planned.mailNickname, options.groupKey),
        options.description ?? 'Licensing group created by the license migration bot.',
        (id) => (justCreated = id)
      ));
    await options.onGroupReady?.(planned.displayName, groupId);
    // A group from an earlier attempt (a retried step, a resumed run) or one reused already has members:
    // add only those missing, so a retry sends no member add twice.
    // A dynamic group's members are Entra's to set (it refuses adds): it was proven before this.
    const missing = planned.membershipRule
      ? []
      : groupId === justCreated
        ? planned.userIds
        : await notYetMembers(writer, groupId, planned.userIds);
    if (missing.length > 0 || created) report.lastWriteAt = now().toISOString();
    const failures = await addMembersOnceReplicated(writer, groupId, missing, options.replication);
    for (const [userId, error] of failures)
      report.failures.push({ groupName: planned.displayName, userId, reason: error.message });
    // An existing group already assigns exactly this SKU and these disabled plans: assigning again would only
    // queue processing. A group of ours from an interrupted run is assigned again, which Graph takes as a no-op.
    if (created) {
      await onceReplicated(groupId, options.replication, () =>
        writer.assignGroupLicense(groupId, planned.skuId, planned.disabledPlans)
      );
      report.lastWriteAt = now().toISOString();
    }
    report.groups.push({
      displayName: planned.displayName,
      groupId,
      created,
      membersAdded: planned.userIds.length - failures.size,
      licenseAssigned: created,
    });
  }
  return report;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Adds members; those refused because the group or the member is "not found" (a new object other
 * replicas have not seen yet) are added again after each wait in turn. Other failures are Graph's answer
 * and stand (a member gone for good, after the waits too).
 */
export async function addMembersOnceReplicated(
  writer: GroupWriter,
  groupId: string,
  userIds: readonly string[],
  replication: ReadBackOptions = {}
): Promise<Map<string, Error>> {
  const failures = await writer.addMembers(groupId, userIds);
  const sleep = replication.sleep ?? realSleep;
  for (const delay of replication.delaysMs ?? READ_BACK_DELAYS_MS) {
    const notYet = [...failures].flatMap(([userId, error]) =>
      isNotFoundFor(error, groupId) || isNotFoundFor(error, userId) ? [userId] : []
    );
    if (notYet.length === 0) break;
    await sleep(delay);
    for (const userId of notYet) failures.delete(userId);
    for (const [userId, error] of await writer.addMembers(groupId, notYet))
      failures.set(userId, error);
  }
  return failures;
}

/** Runs a write to a new group, again after each wait while Graph answers that the group is not found. */
async function onceReplicated<T>(
  groupId: string,
  replication: ReadBackOptions = {},
  write: () => Promise<T>
): Promise<T> {
  const sleep = replication.sleep ?? realSleep;
  for (const delay of replication.delaysMs ?? READ_BACK_DELAYS_MS) {
    try {
      return await write();
    } catch (error) {
      if (!isNotFoundFor(error, groupId)) throw error;
      await sleep(delay);
    }
  }
  return write();
}

/**
 * The group this assignment created before it could record it, looked up by its nickname and name;
 * created only when there is none, so a crash or a lost answer never leaves a duplicate group.
 */
export async function findOrCreateGroup(
  writer: GroupWriter,
  displayName: string,
  mailNickname: string,
  description: string,
  onCreated: (groupId: string) => void,
  membershipRule?: string
): Promise<string> {
  const earlier = (await writer.groupsByMailNickname(mailNickname)).find(
    (group) => group.displayName === displayName
  );
  if (earlier) return earlier.id;
  const created = await writer.createSecurityGroup(
    displayName,
    mailNickname,
    description,
    membershipRule
  );
  onCreated(created);
  return created;
}

/**
 * The planned members not in the group yet. A group too new to have replicated has none; a members read
 * from a lagging replica may miss recent adds, which Graph then answers "already exist" (taken as added).
 */
async function notYetMembers(
  writer: GroupWriter,
  groupId: string,
  userIds: readonly string[]
): Promise<readonly string[]> {
  const members = await writer.memberIds(groupId).catch((error: unknown) => {
    if (isNotFoundFor(error, groupId)) return new Set<string>();
    throw error;
  });
  return userIds.filter((id) => !members.has(id.toLowerCase()));
}

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
  options: {
    /** The pause between polls after progress; it doubles while nothing moves, up to `maxPollMs`. */
    pollMs?: number;
    /** The longest pause between polls (default 6 × pollMs). */
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
  } = {}
): Promise<ProcessingWait> {
  const lastStates = new Map<string, string | null>();
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const deadline = now().getTime() + (options.timeoutMs ?? 30 * 60_000);
  const auditEveryMs = options.auditEveryMs ?? 30_000;
  const needsConfirmation = new Set((options.assigned ?? []).map((id) => id.toLowerCase()));
  const byAudit = new Set<string>();
  const byStates = new Set<string>();
  let auditForbidden = false;
  let lastCheck = -Infinity;
  let waiting = [...groupIds];
  const pollMs = options.pollMs ?? 5_000;
  const bounds = { pollMs, maxPollMs: options.maxPollMs ?? 6 * pollMs };
  let pauseMs: number | null = null;
  for (;;) {
    let progressed = false;
    // A replica that has not seen the last member add or assignment may still say ProcessingComplete
    // (a reused group's state from before): only a read made the lag bound after them counts.
    const fresh =
      !options.lastWriteAt || isPastLag(options.lastWriteAt, now(), options.lagBoundMs ?? 0);
    // A group just created may be "not found" on the replica answering: not processed yet, then.
    const states = await Promise.all(
      waiting.map((id) =>
        writer.processingState(id).catch((error: unknown) => {
          if (isNotFoundFor(error, id)) return null;
          throw error;
        })
      )
    );
    for (const [i, id] of waiting.entries()) {
      // Told only as processing moves forward: a replica behind the last read answers an earlier state.
      if (
        lastStates.has(id) &&
        processingRank(states[i]) <= processingRank(lastStates.get(id) ?? null)
      )
        continue;
      lastStates.set(id, states[i]);
      progressed = true;
      await options.onChange?.(id, states[i]);
    }
    const complete = (i: number) => fresh && states[i] === 'ProcessingComplete';
    const unconfirmed = waiting.filter(
      (id, i) =>
        complete(i) &&
        needsConfirmation.has(id.toLowerCase()) &&
        !byAudit.has(id.toLowerCase()) &&
        !byStates.has(id.toLowerCase())
    );
    // The audit log has its own tight limit (5 requests / 10 s): read at most every auditEveryMs. The
    // members' states are ordinary directory reads, and the group already says complete: read each poll.
    if (
      unconfirmed.length > 0 &&
      options.assignedSince &&
      !auditForbidden &&
      now().getTime() - lastCheck >= auditEveryMs
    ) {
      lastCheck = now().getTime();
      const finished = await writer.processingFinishedSince(options.assignedSince);
      auditForbidden = finished === null;
      if (finished instanceof Set)
        for (const id of unconfirmed)
          if (finished.has(id.toLowerCase())) byAudit.add(id.toLowerCase());
    }
    if (options.assignedSince)
      for (const id of unconfirmed) {
        if (!byAudit.has(id.toLowerCase()) && (await writer.membersProcessed(id)))
          byStates.add(id.toLowerCase());
      }
    const confirmed = (id: string) =>
      !needsConfirmation.has(id.toLowerCase()) ||
      byAudit.has(id.toLowerCase()) ||
      byStates.has(id.toLowerCase());
    const stillWaiting = waiting.filter((id, i) => !complete(i) || !confirmed(id));
    const waitingFor = Object.fromEntries(
      waiting.flatMap((id, i) =>
        stillWaiting.includes(id) ? [[id, processingWaitsFor({ state: states[i], fresh })]] : []
      )
    );
    progressed ||= stillWaiting.length < waiting.length;
    waiting = stillWaiting;
    if (waiting.length === 0 || now().getTime() > deadline) {
      const auditConfirmed = needsConfirmation.size > 0 && byAudit.size === needsConfirmation.size;
      return {
        complete: waiting.length === 0,
        pending: waiting,
        waitingFor,
        auditConfirmed,
        confirmedBy: auditConfirmed
          ? 'audit'
          : byStates.size > 0
            ? 'license states'
            : 'processing state',
      };
    }
    // Backs off while nothing moves, so a wait of many minutes (a busy tenant) asks Graph rarely.
    pauseMs = nextPollMs(pauseMs, progressed, bounds);
    // The last poll is made at the deadline, not a whole pause after it.
    await sleep(Math.min(pauseMs, Math.max(1, deadline - now().getTime() + 1)));
  }
}

/** How far a group's license processing has come, as its `licenseProcessingState` says. */
function processingRank(state: string | null): number {
  if (state === 'ProcessingComplete') return 3;
  if (state === 'ProcessingInProgress') return 2;
  return state === null ? 0 : 1;
}
