import type { LicenseAssignmentSnapshot, UserLicenseSnapshot } from './licenses';

/**
 * "Does this user hold this SKU directly?" asked one way everywhere. A direct assignment is a row no group
 * gave (`assignedByGroup` null), in whatever state: a direct row in error is still the assignment a removal
 * would take away. (Counting what a user is licensed for, which leaves rows in error out, is
 * `licenseSourcesOf`'s different question.) Graph's ids are GUIDs, equal whatever their case.
 */

/** The two ids name the same object: GUIDs compare without regard to case. */
export const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The row is a direct assignment, not one inherited from a group. */
export const isDirectRow = (row: LicenseAssignmentSnapshot): boolean =>
  row.assignedByGroup === null;

/** Every direct assignment the user holds, one per SKU as Graph reports them. */
export const directAssignmentsOf = (user: UserLicenseSnapshot): LicenseAssignmentSnapshot[] =>
  user.licenseAssignmentStates.filter(isDirectRow);

/** The user's direct assignment of this SKU, or undefined when no direct row names it. */
export const directAssignmentOf = (
  user: UserLicenseSnapshot,
  skuId: string
): LicenseAssignmentSnapshot | undefined =>
  user.licenseAssignmentStates.find((row) => isDirectRow(row) && sameId(row.skuId, skuId));

/** The user holds this SKU directly. */
export const holdsDirectly = (user: UserLicenseSnapshot, skuId: string): boolean =>
  directAssignmentOf(user, skuId) !== undefined;

/** The user holds some SKU directly. */
export const holdsAnyDirectly = (user: UserLicenseSnapshot): boolean =>
  user.licenseAssignmentStates.some(isDirectRow);
