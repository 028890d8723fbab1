import type { DirectoryGroup, DirectoryUser, GroupProcessingResult } from './directory-model';
import { seedDirectory } from './directory-seeding';
import { DirectoryState } from './directory-state';
import {
  membersWithLicenseErrors,
  processGroup,
  reprocessUser,
  usersToProcess,
  type ReprocessedAssignment,
} from './group-license-processing';
import { assignGroupLicenses, assignUserLicenses } from './license-assignment';
import type { FixtureLicense, TenantFixture } from './tenant-fixture';

export type {
  AppliedGroupLicense,
  AssignmentState,
  DirectAssignment,
  DirectoryGroup,
  DirectoryUser,
  GroupProcessingResult,
  LicenseAssignmentRow,
  ProcessingState,
} from './directory-model';

/**
 * The simulated directory: a tenant loaded from a fixture, its state (directory-state.ts) and what Graph
 * does to it — assignLicense (license-assignment.ts) and group license processing
 * (group-license-processing.ts), by the licensing rules of held-licenses.ts and licensing-rules.ts
 * (BEHAVIOUR.md §1–§3). Graph's wire shapes live in graph-views.ts; nothing here knows HTTP.
 */
export class Directory extends DirectoryState {
  constructor(fixture: TenantFixture, now: () => Date = () => new Date()) {
    super(fixture, now);
    seedDirectory(this, fixture);
  }

  /** POST /users/{id}/assignLicense (see license-assignment.ts). */
  assignUserLicenses(
    user: DirectoryUser,
    add: readonly FixtureLicense[],
    remove: readonly string[]
  ): void {
    assignUserLicenses(this, user, add, remove);
  }

  /** POST /groups/{id}/assignLicense, the synchronous part (see license-assignment.ts). */
  assignGroupLicenses(
    group: DirectoryGroup,
    add: readonly FixtureLicense[],
    remove: readonly string[]
  ): void {
    assignGroupLicenses(this, group, add, remove);
  }

  /** Applies one group's licenses to its members, or only to `onlyUsers` (see group-license-processing.ts). */
  processGroup(groupId: string, onlyUsers?: ReadonlySet<string>): GroupProcessingResult {
    return processGroup(this, groupId, onlyUsers);
  }

  /** Users a processing run of this group must look at. */
  usersToProcess(group: DirectoryGroup): Set<string> {
    return usersToProcess(this, group);
  }

  /** Re-evaluates every group assignment of one user (POST /users/{id}/reprocessLicenseAssignment). */
  reprocessUser(user: DirectoryUser): ReprocessedAssignment[] {
    return reprocessUser(this, user);
  }

  /** Users with an Error row from this group (GET /groups/{id}/membersWithLicenseErrors). */
  membersWithLicenseErrors(group: DirectoryGroup): DirectoryUser[] {
    return membersWithLicenseErrors(this, group);
  }
}
