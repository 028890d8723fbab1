import type {
  AppliedGroupLicense,
  DirectoryGroup,
  DirectoryUser,
  GroupProcessingResult,
} from './directory-model';
import type { DirectoryState } from './directory-state';
import { evaluateGroupLicenses, leftoverAfterDeparture } from './group-license-evaluation';
import { usable } from './held-licenses';

/**
 * Group license processing, one step at a time: applying a group's licenses to its members (the
 * background run in license-processor.ts calls it slice by slice) and reprocessing one user.
 */

/**
 * Applies one group's licenses to its direct user members (or only to `onlyUsers`), as group license
 * processing does: each member gets every SKU of the group or, if one fails, none (BEHAVIOUR.md §3
 * rule 7). Members who left lose what the group gave them. Nested groups' members are not licensed.
 */
export function processGroup(
  directory: DirectoryState,
  groupId: string,
  onlyUsers?: ReadonlySet<string>
): GroupProcessingResult {
  const group = directory.requireGroup(groupId);
  let succeeded = 0;
  let failed = 0;
  const changed: GroupProcessingResult['changed'][number][] = [];
  // A slice of a run names its users: only they are visited, not the whole group each slice.
  const departed = onlyUsers
    ? [...onlyUsers].filter((id) => group.applied.has(id))
    : [...group.applied.keys()];
  for (const userId of departed) {
    const before = group.applied.get(userId) ?? [];
    if (group.members.has(userId) && group.licenses.size > 0) continue;
    const user = directory.users.get(userId);
    if (!user) {
      group.applied.delete(userId);
      continue;
    }
    const after = leftoverAfterDeparture(directory, group, user, before);
    applyRows(directory, group, user, after);
    if (after.length > 0) failed++;
    if (JSON.stringify(before) !== JSON.stringify(after)) changed.push({ user, before, after });
  }
  if (group.licenses.size === 0) return { succeeded, failed, changed };
  const members = onlyUsers ? [...onlyUsers].filter((id) => group.members.has(id)) : group.members;
  for (const memberId of members) {
    const user = directory.users.get(memberId);
    if (!user) continue;
    const before = group.applied.get(user.id) ?? [];
    const rows = evaluateGroupLicenses(directory, group, user);
    applyRows(directory, group, user, rows);
    if (JSON.stringify(before) !== JSON.stringify(rows))
      changed.push({ user, before, after: rows });
    if (rows.every((row) => row.error === 'None')) succeeded++;
    else failed++;
  }
  return { succeeded, failed, changed };
}

/** Users a processing run of this group must look at: every member, and everyone it licensed before. */
export function usersToProcess(directory: DirectoryState, group: DirectoryGroup): Set<string> {
  return new Set(
    [...group.members].filter((id) => directory.users.has(id)).concat([...group.applied.keys()])
  );
}

/** One change reprocessing made to what a group gives a user. */
export interface ReprocessedAssignment {
  before: AppliedGroupLicense[];
  after: AppliedGroupLicense[];
  failure?: string;
}

/** Re-evaluates every group assignment of one user (POST /users/{id}/reprocessLicenseAssignment). */
export function reprocessUser(
  directory: DirectoryState,
  user: DirectoryUser
): ReprocessedAssignment[] {
  const changes: ReprocessedAssignment[] = [];
  for (const group of directory.groups.values()) {
    const member = group.licenses.size > 0 && group.members.has(user.id);
    if (!member && !group.applied.has(user.id)) continue;
    const before = group.applied.get(user.id) ?? [];
    const rows = member
      ? evaluateGroupLicenses(directory, group, user)
      : leftoverAfterDeparture(directory, group, user, before);
    applyRows(directory, group, user, rows);
    if (JSON.stringify(before) !== JSON.stringify(rows)) {
      changes.push({ before, after: rows, failure: failureReason(rows) });
    }
  }
  return changes;
}

/** Users with an Error row from this group (GET /groups/{id}/membersWithLicenseErrors). */
export function membersWithLicenseErrors(
  directory: DirectoryState,
  group: DirectoryGroup
): DirectoryUser[] {
  return [...group.applied]
    .filter(([, rows]) => rows.some((row) => !usable(row.state) || row.error !== 'None'))
    .flatMap(([userId]) => directory.users.get(userId) ?? []);
}

/** The audit log's failure reason for rows in error, or undefined when none is. */
export function failureReason(rows: readonly AppliedGroupLicense[]): string | undefined {
  const failed = rows.filter((row) => row.error !== 'None');
  return failed.length > 0
    ? failed.map((row) => `${row.skuId}: ${row.error}`).join('; ')
    : undefined;
}

/** Records what a group now gives a user (nothing: the row goes), moving seats by the difference. */
function applyRows(
  directory: DirectoryState,
  group: DirectoryGroup,
  user: DirectoryUser,
  rows: AppliedGroupLicense[]
): void {
  directory.withSeatAccounting(user, () =>
    rows.length > 0 ? group.applied.set(user.id, rows) : group.applied.delete(user.id)
  );
}
