import type { DirectoryGroup } from './directory-model';
import { GraphError } from './graph-error';

/**
 * Groups whose members Graph will not change for the caller (docs/simulator.md, "Groups the bot cannot
 * change"): synced from on-premises AD, set by a dynamic membership rule, or role-assignable (the caller
 * has no RoleManagement.ReadWrite.Directory). Returns the error Graph answers, or null when the change is allowed.
 */
export function memberChangeRefusal(
  group: DirectoryGroup,
  change: 'add' | 'remove'
): GraphError | null {
  if (group.onPremisesSyncEnabled === true) {
    return new GraphError(
      400,
      'Request_BadRequest',
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.'
    );
  }
  if (change === 'add' && group.groupTypes.includes('DynamicMembership')) {
    // Unverified wording: Graph refuses it with 400; the message is not documented.
    return new GraphError(
      400,
      'Request_BadRequest',
      'Insufficient privileges to complete the operation: members of a group with dynamic membership are set by its rule.'
    );
  }
  if (group.isAssignableToRole === true) {
    return new GraphError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.'
    );
  }
  return null;
}
