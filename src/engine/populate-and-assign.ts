import type { GroupPlan, PlannedGroup } from '../domain/group-plan';
import type { UserRead } from '../domain/directory-answers';
import {
  populationAudience,
  type LeftOutBecause,
  type PopulationAudience,
} from '../domain/population-audience';
import { inPopulationOrder } from '../domain/population-order';
import { READ_BACK_DELAYS_MS } from '../domain/read-freshness';
import { isNotFoundFor, type GroupWriter } from './ports/group-writer';
import { realSleep, type ReadBackOptions } from './read-until-fresh';

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
  /** Planned members not added: no longer holding the variant directly when read just before (leavers). */
  readonly leftOut: { groupName: string; userId: string; because: LeftOutBecause }[];
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

/** How to populate and assign the planned groups: see populateAndAssign. */
export interface PopulateOptions {
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
  /**
   * Fresh reads of the members about to be added: only those who still hold the variant directly are
   * added. Without it, every planned member is.
   */
  readUsers?: (userIds: readonly string[]) => Promise<Map<string, UserRead>>;
}

/**
 * Phase 3: creates (or reuses) every planned group, then adds each one's members and assigns it the SKU
 * with the same disabled plans as the direct assignments; the group with the most members to add goes
 * first (its processing is the longest). Direct assignments are not touched. With `dryRun`, says
 * exactly what it would do and changes nothing.
 */
export async function populateAndAssign(
  plan: GroupPlan,
  writer: GroupWriter,
  options: PopulateOptions = {}
): Promise<PopulateReport> {
  const report: PopulateReport = {
    groups: [],
    failures: [],
    leftOut: [],
    dryRun: options.dryRun ?? false,
    lastWriteAt: null,
  };
  const ordered = inPopulationOrder(plan.groups);
  if (options.dryRun) report.groups.push(...ordered.map(wouldPopulate));
  else {
    // Every group exists before any is filled: a new group answers "not found" until it has
    // replicated, and by the time the first group's members are read the later ones have.
    const ids: { groupId: string; justCreated: string | null }[] = [];
    for (const planned of ordered) ids.push(await readyGroupId(planned, writer, options));
    for (const [i, planned] of ordered.entries())
      await populateGroup(planned, ids[i], writer, options, report);
  }
  // Told in the plan's order, as the approver saw it.
  const planOrder = plan.groups.map((g) => g.displayName);
  report.groups.sort((a, b) => planOrder.indexOf(a.displayName) - planOrder.indexOf(b.displayName));
  return report;
}

/** What a dry run says it would do for a planned group. */
function wouldPopulate(planned: PlannedGroup): PopulateReport['groups'][number] {
  return {
    displayName: planned.displayName,
    groupId: planned.existingGroupId,
    created: planned.existingGroupId === null,
    membersAdded: planned.toAdd,
    licenseAssigned: planned.existingGroupId === null,
  };
}

/**
 * Fills one planned group (created or found before) and assigns a new group its license; adds what it
 * did to `report`.
 */
async function populateGroup(
  planned: PlannedGroup,
  { groupId, justCreated }: { groupId: string; justCreated: string | null },
  writer: GroupWriter,
  options: PopulateOptions,
  report: PopulateReport
): Promise<void> {
  const now = options.replication?.now ?? (() => new Date());
  const created = planned.existingGroupId === null;
  const audience = await membersToAdd(planned, writer, groupId, justCreated, options);
  for (const { userId, because } of audience.leftOut)
    report.leftOut.push({ groupName: planned.displayName, userId, because });
  const missing = audience.toAdd;
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
    membersAdded: planned.userIds.length - audience.leftOut.length - failures.size,
    licenseAssigned: created,
  });
}

/** The planned group's id (see plannedGroupId), told to `onGroupReady` as soon as it is known. */
async function readyGroupId(
  planned: PlannedGroup,
  writer: GroupWriter,
  options: PopulateOptions
): Promise<{ groupId: string; justCreated: string | null }> {
  const found = await plannedGroupId(planned, writer, options);
  await options.onGroupReady?.(planned.displayName, found.groupId);
  return found;
}

/**
 * The planned group's id: the existing group's, the one this migration created before, or one found or
 * created by its nickname; `justCreated` is its id when this call created it.
 */
async function plannedGroupId(
  planned: PlannedGroup,
  writer: GroupWriter,
  options: PopulateOptions
): Promise<{ groupId: string; justCreated: string | null }> {
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
  return { groupId, justCreated };
}

/** The planned members to add to the group now, and those left out (with why). */
async function membersToAdd(
  planned: PlannedGroup,
  writer: GroupWriter,
  groupId: string,
  justCreated: string | null,
  options: PopulateOptions
): Promise<PopulationAudience> {
  // A group from an earlier attempt (a retried step, a resumed run) or one reused already has members:
  // add only those missing, so a retry sends no member add twice.
  // A dynamic group's members are Entra's to set (it refuses adds): it was proven before this.
  const notMembers = planned.membershipRule
    ? []
    : groupId === justCreated
      ? planned.userIds
      : await notYetMembers(writer, groupId, planned.userIds);
  // The plan may be days old and the old script still runs: a leaver it unlicensed since is not added,
  // or the group would license them again and use a seat.
  return options.readUsers
    ? populationAudience(notMembers, planned, await options.readUsers(notMembers))
    : { toAdd: notMembers, leftOut: [] };
}

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
