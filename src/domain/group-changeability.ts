/**
 * Whether the bot can add members to an existing group. Entra refuses member changes to groups synced
 * from on-premises AD (changed there), to dynamic membership groups (their rule decides), and, without
 * RoleManagement.ReadWrite.Directory (which the bot is never given), to role-assignable groups.
 */

export interface GroupMembershipTraits {
  readonly onPremisesSyncEnabled?: boolean | null;
  readonly groupTypes?: readonly string[];
  readonly isAssignableToRole?: boolean | null;
}

/** Why the bot cannot add members to this group, as a phrase for the admin; null when it can. */
export function whyMembersCannotBeAdded(group: GroupMembershipTraits): string | null {
  if (group.onPremisesSyncEnabled === true)
    return 'it is synced from on-premises AD (its members are changed there)';
  if ((group.groupTypes ?? []).some((t) => t.toLowerCase() === 'dynamicmembership'))
    return 'its members are set by a dynamic membership rule';
  if (group.isAssignableToRole === true)
    return 'it is role-assignable (adding members needs RoleManagement.ReadWrite.Directory, which the bot does not have)';
  return null;
}
