import type {
  AssignmentState,
  DirectoryGroup,
  DirectoryUser,
  LicenseAssignmentRow,
} from './directory-model';
import type { FixtureLicense, SubscriptionStatus } from './tenant-fixture';

/**
 * What a user holds, and with which plans, from their direct assignments and what their groups applied
 * (BEHAVIOUR.md §1): Graph's licenseAssignmentStates rows and the merged assignedLicenses view. Pure.
 */

/** An assignment that gives the user the license: applied, with or without a later error. */
export const usable = (state: AssignmentState): boolean =>
  state === 'Active' || state === 'ActiveWithError';

/** An assignment that holds a seat and is listed in assignedLicenses, even when its subscription is suspended. */
export const held = (state: AssignmentState): boolean => usable(state) || state === 'Disabled';

/** A suspended or locked-out subscription gives nothing: every assignment of it reads Disabled. */
export const suspended = (status: SubscriptionStatus | undefined): boolean =>
  status === 'Suspended' || status === 'LockedOut';

/** One row per (SKU, source), as Graph's user.licenseAssignmentStates. */
export function assignmentRows(
  user: DirectoryUser,
  groups: Iterable<DirectoryGroup>,
  isSuspended: (skuId: string) => boolean
): LicenseAssignmentRow[] {
  const rows: LicenseAssignmentRow[] = [];
  for (const [skuId, assignment] of user.directLicenses) {
    rows.push({
      skuId,
      disabledPlans: [...assignment.disabledPlans],
      assignedByGroup: null,
      state: isSuspended(skuId) ? 'Disabled' : 'Active',
      error: 'None',
      lastUpdatedDateTime: assignment.lastUpdatedDateTime,
    });
  }
  for (const group of groups) {
    for (const applied of group.applied.get(user.id) ?? []) {
      rows.push({
        ...applied,
        state: isSuspended(applied.skuId) ? 'Disabled' : applied.state,
        disabledPlans: [...applied.disabledPlans],
        assignedByGroup: group.id,
      });
    }
  }
  return rows;
}

/**
 * The merged view (user.assignedLicenses): one entry per SKU the user holds from any source that holds a seat;
 * its disabled plans are those disabled on every source (enabled plans are a union).
 */
export function mergedLicenses(rows: readonly LicenseAssignmentRow[]): FixtureLicense[] {
  const merged = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!held(row.state)) continue;
    const sofar = merged.get(row.skuId);
    const disabled = new Set(row.disabledPlans);
    merged.set(row.skuId, sofar ? new Set([...sofar].filter((p) => disabled.has(p))) : disabled);
  }
  return [...merged].map(([skuId, disabled]) => ({ skuId, disabledPlans: [...disabled] }));
}
