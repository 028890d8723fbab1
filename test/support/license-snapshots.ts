import type { LicenseAssignmentSnapshot, UserLicenseSnapshot } from '../../src/domain/licenses';

/** One license assignment row as Graph reports it: direct when `assignedByGroup` is null. */
export function assignment(
  skuId: string,
  assignedByGroup: string | null,
  disabledPlans: string[] = [],
  state = 'Active',
  error = 'None'
): LicenseAssignmentSnapshot {
  return { skuId, assignedByGroup, disabledPlans, state, error };
}

/** A user with these assignment rows; enabled, located in the US, unless `extra` says otherwise. */
export function userWith(
  id: string,
  rows: LicenseAssignmentSnapshot[],
  extra: Partial<UserLicenseSnapshot> = {}
): UserLicenseSnapshot {
  return {
    id,
    userPrincipalName: `${id}@contoso.example`,
    accountEnabled: true,
    usageLocation: 'US',
    licenseAssignmentStates: rows,
    ...extra,
  };
}
