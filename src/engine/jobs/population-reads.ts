import type { NotFound, UserRead } from '../../domain/directory-answers';
import { isDirectRow } from '../../domain/direct-assignment';
import type { PlannedGroup } from '../../domain/group-plan';
import type { LicenseAssignmentSnapshot, UserLicenseSnapshot } from '../../domain/licenses';
import { lastCountedUsers } from '../../domain/progress-point';
import { readManyUsers, readsByPages } from '../directory-calls';
import { visitUsersFromPages } from '../paged-user-reads';
import type { JobDependencies } from './job-dependencies';

/**
 * Fresh reads of the members about to be added, asked group after group. The first group read from the
 * tenant's pages (most of the tenant) keeps, from that one sweep, every planned member of every group:
 * later groups are answered from it rather than sweeping the tenant again (their reads are minutes old
 * at most, against a plan that may be days old). Answers that failed are not kept: asked again, they are
 * read again. The tenant's size is the last count's (taken just before the groups).
 */
export function populationReads(
  deps: Pick<JobDependencies, 'reader' | 'directoryWriter' | 'store'>,
  groups: readonly PlannedGroup[]
): (userIds: readonly string[]) => Promise<Map<string, UserRead>> {
  const swept = new Map<string, UserLicenseSnapshot | NotFound>();
  const answerOf = (id: string): UserRead => {
    const kept = swept.get(id) as UserLicenseSnapshot | NotFound;
    return 'kind' in kept ? kept : { kind: 'read', user: kept };
  };
  return async (userIds) => {
    if (userIds.every((id) => swept.has(id)))
      return new Map(userIds.map((id) => [id, answerOf(id)]));
    const pages = {
      reader: deps.reader,
      tenantUsers: lastCountedUsers((await deps.store.read()).record),
    };
    if (!readsByPages(userIds.length, pages)) return readManyUsers(deps.directoryWriter, userIds);
    const failed = new Map<string, UserRead>();
    const slim = slimUsers();
    const everyone = new Set([...groups.flatMap((g) => g.userIds), ...userIds]);
    await visitUsersFromPages(deps.reader, [...everyone], (id, read) => {
      if (read.kind === 'read') swept.set(id, slim(id, read.user));
      else if (read.kind === 'not-found') swept.set(id, read);
      else failed.set(id, read);
    });
    return new Map(
      userIds.map((id) => [id, swept.has(id) ? answerOf(id) : (failed.get(id) as UserRead)])
    );
  };
}

/**
 * What a group's audience judges of a user kept from the sweep: their direct rows only (whether they
 * still hold the variant directly, with which plans), the rows shared between users holding the same,
 * so keeping the whole tenant's members costs little more than their ids. The id is the plan's (the
 * same user, not another copy of the string); the name is not kept (nothing shown of these reads).
 */
function slimUsers(): (id: string, user: UserLicenseSnapshot) => UserLicenseSnapshot {
  const shared = new Map<string, readonly LicenseAssignmentSnapshot[]>();
  return (id, user) => {
    const direct = user.licenseAssignmentStates.filter(isDirectRow);
    const key = JSON.stringify(direct);
    const rows = shared.get(key) ?? direct;
    shared.set(key, rows);
    return {
      id,
      userPrincipalName: '',
      accountEnabled: user.accountEnabled,
      usageLocation: user.usageLocation,
      licenseAssignmentStates: rows,
    };
  };
}
