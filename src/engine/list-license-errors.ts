import { assignmentAdvice, licenseErrorAdvice } from '../domain/license-errors';
import { errorText } from '../error-text';
import type { GroupWriter } from './ports/group-writer';
import type { TenantReader } from './ports/tenant-reader';

export interface LicenseErrorRow {
  readonly groupId: string;
  readonly groupName: string;
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  readonly error: string;
  readonly cause: string;
  readonly fix: string;
}

/** Phase 5: every group member in license error, with its cause and the fix. Reads only. */
export async function listLicenseErrors(reader: TenantReader): Promise<LicenseErrorRow[]> {
  const rows: LicenseErrorRow[] = [];
  for (const group of await reader.groupsWithLicenseErrors()) {
    for (const user of await reader.membersWithLicenseErrors(group.id)) {
      for (const state of user.licenseAssignmentStates) {
        if (
          state.assignedByGroup !== group.id ||
          (state.state === 'Active' && (state.error ?? 'None') === 'None')
        )
          continue;
        const error =
          state.error && state.error !== 'None' ? state.error : (state.state ?? 'Error');
        rows.push({
          groupId: group.id,
          groupName: group.displayName,
          userId: user.id,
          userPrincipalName: user.userPrincipalName,
          skuId: state.skuId,
          error,
          ...(assignmentAdvice(state.state, state.error) ?? licenseErrorAdvice(error)),
        });
      }
    }
  }
  return rows;
}

/**
 * Asks Entra ID to process again every member in license error, once each: after seats were bought or
 * usage locations set, this applies their group licenses without waiting. Removes nothing.
 */
export async function reprocessMembersInError(
  reader: TenantReader,
  writer: GroupWriter
): Promise<{ reprocessed: number; failed: { userPrincipalName: string; reason: string }[] }> {
  const rows = await listLicenseErrors(reader);
  const users = new Map(rows.map((r) => [r.userId, r.userPrincipalName]));
  const failed: { userPrincipalName: string; reason: string }[] = [];
  for (const [userId, userPrincipalName] of users) {
    try {
      await writer.reprocessUser(userId);
    } catch (error) {
      failed.push({ userPrincipalName, reason: errorText(error) });
    }
  }
  return { reprocessed: users.size - failed.length, failed };
}
