import type { PlannedGroup } from './group-plan';

/**
 * What the migration record keeps of the approved group plan: each group as planned, with its counts and
 * a few names for the cards, never its members' ids (at 500,000 users they are tens of megabytes, and every
 * `status` and every update reads the record). The ids are a blob of their own, named by the digest of the
 * groups with their members (engine/plan-members.ts), read only by the steps that add members. Pure.
 */

/** A planned group as the record keeps it: what it is and how many, not who (`PlannedGroup` has the ids). */
export interface StoredPlannedGroup extends Omit<PlannedGroup, 'userIds'> {
  /** How many it is planned with (absent in records written with the ids inline: count `userIds`). */
  readonly userCount?: number;
  /**
   * The members' ids, only in records written before they had a blob of their own: they still run, and the
   * next write of the record moves them to their blob.
   */
  readonly userIds?: readonly string[];
}

/** Each group's members' ids by its display name (unique within a plan, as the record's `groupIds`). */
export type PlanMembers = Readonly<Record<string, readonly string[]>>;

/** The group as the record keeps it: its members counted, not named. */
export function storedGroupOf(group: PlannedGroup): StoredPlannedGroup {
  const { userIds, ...rest } = group;
  return { ...rest, userCount: userIds.length };
}

/** The members of each planned group, for their blob. */
export function membersOf(groups: readonly PlannedGroup[]): PlanMembers {
  return Object.fromEntries(groups.map((g) => [g.displayName, g.userIds]));
}

/** How many users a planned group is planned with (counted from inline ids in an older record). */
export const plannedUserCount = (group: StoredPlannedGroup): number =>
  group.userCount ?? group.userIds?.length ?? 0;

/** The groups with their members in hand again; null when a group has none in `members`. */
export function withMembers(
  groups: readonly StoredPlannedGroup[],
  members: PlanMembers
): PlannedGroup[] | null {
  const result: PlannedGroup[] = [];
  for (const group of groups) {
    const userIds = Object.hasOwn(members, group.displayName) ? members[group.displayName] : null;
    if (!Array.isArray(userIds)) return null;
    const { userCount, ...rest } = group;
    void userCount;
    result.push({ ...rest, userIds });
  }
  return result;
}

/** The groups of a record written with the ids inline, as planned; null when the ids are not inline. */
export function inlineMembersOf(groups: readonly StoredPlannedGroup[]): PlannedGroup[] | null {
  if (groups.length === 0 || !groups.every((g) => g.userIds)) return null;
  return groups.map((g) => ({ ...g, userIds: g.userIds ?? [] }));
}
