import { recordAutomationHistory } from './automation-history';
import type { DirectAssignment, DirectoryGroup, DirectoryUser } from './directory-model';
import type { DirectoryState } from './directory-state';
import { fixtureGroupMembers } from './dynamic-group-members';
import { processGroup } from './group-license-processing';
import type { FixtureGroup, FixtureLicense, FixtureUser, TenantFixture } from './tenant-fixture';
import { userAttributes } from './user-attributes';

/**
 * Loads a tenant fixture's users, groups and automation history into an empty directory. A fixture
 * describes a settled tenant: its group licenses are already processed, and that settling is not on the
 * license timeline.
 */
export function seedDirectory(directory: DirectoryState, fixture: TenantFixture): void {
  const created = directory.timestamp();
  for (const user of fixture.users) directory.addUser(seededUser(user, created));
  for (const group of fixture.groups ?? []) {
    const members = fixtureGroupMembers(group, directory.users.values());
    directory.groups.set(group.id, seededGroup(group, members, created));
  }
  recordAutomationHistory(directory, fixture.existingAutomation);
  for (const group of directory.groups.values()) {
    if (group.licenses.size > 0) {
      processGroup(directory, group.id);
      group.processingState = 'ProcessingComplete';
    }
  }
  directory.timeline.clear();
}

function seededUser(user: FixtureUser, created: string): DirectoryUser {
  const [givenName, ...rest] = user.displayName.split(' ');
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    givenName: givenName ?? null,
    surname: rest.length > 0 ? rest.join(' ') : null,
    department: user.department ?? null,
    jobTitle: user.jobTitle ?? null,
    usageLocation: user.usageLocation ?? null,
    accountEnabled: user.accountEnabled ?? true,
    attributes: userAttributes(user),
    createdDateTime: created,
    directLicenses: toAssignments(user.licenses, created),
    proxyAddresses: (user.proxyAddresses ?? []).map((a) => a.toLowerCase()),
  };
}

function seededGroup(group: FixtureGroup, members: string[], created: string): DirectoryGroup {
  return {
    id: group.id,
    displayName: group.displayName,
    description: group.description ?? null,
    securityEnabled: group.securityEnabled,
    mailEnabled: group.mailEnabled,
    mailNickname: group.mailNickname ?? group.displayName.replace(/[^A-Za-z0-9]/g, ''),
    groupTypes: [...group.groupTypes],
    membershipRule: group.membershipRule ?? null,
    membershipRuleProcessingState: group.groupTypes.includes('DynamicMembership')
      ? (group.membershipRuleProcessingState ?? 'On')
      : null,
    onPremisesSyncEnabled: group.onPremisesSyncEnabled ?? null,
    isAssignableToRole: group.isAssignableToRole ?? false,
    createdDateTime: created,
    members: new Set(members),
    licenses: toAssignments(group.licenses, created),
    processingState: null,
    applied: new Map(),
  };
}

function toAssignments(
  licenses: readonly FixtureLicense[] | undefined,
  timestamp: string
): Map<string, DirectAssignment> {
  return new Map(
    (licenses ?? []).map((license) => [
      license.skuId.toLowerCase(),
      {
        disabledPlans: license.disabledPlans.map((p) => p.toLowerCase()),
        lastUpdatedDateTime: timestamp,
      },
    ])
  );
}
