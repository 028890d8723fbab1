import type { RuleAttributes } from './proposed-rule';

/** Plain data the domain reasons about: what Graph tells us of SKUs and of each user's licenses. */

export interface SkuSnapshot {
  readonly skuId: string;
  readonly skuPartNumber: string;
  /** Seats that can be assigned: enabled, or in an expired subscription's grace period (warning). */
  readonly prepaidUnits: number;
  readonly consumedUnits: number;
  readonly servicePlans: readonly {
    readonly servicePlanId: string;
    readonly servicePlanName: string;
  }[];
}

export interface LicenseAssignmentSnapshot {
  readonly skuId: string;
  /** null when assigned directly; otherwise the licensing group's id. */
  readonly assignedByGroup: string | null;
  readonly disabledPlans: readonly string[];
  readonly state: string | null;
  readonly error: string | null;
}

export interface UserLicenseSnapshot {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly accountEnabled: boolean;
  readonly usageLocation: string | null;
  readonly licenseAssignmentStates: readonly LicenseAssignmentSnapshot[];
  /** The values a dynamic membership rule would test; read with the whole tenant, absent elsewhere. */
  readonly ruleAttributes?: RuleAttributes;
}

/** How one user holds one SKU. */
export type LicenseSource = 'direct' | 'inherited' | 'both';

/** The source of each SKU a user holds, from their per-source assignment rows; rows in error hold nothing. */
export function licenseSourcesOf(user: UserLicenseSnapshot): Map<string, LicenseSource> {
  const sources = new Map<string, LicenseSource>();
  for (const row of user.licenseAssignmentStates) {
    if (row.state !== null && row.state !== 'Active' && row.state !== 'ActiveWithError') continue;
    const source: LicenseSource = row.assignedByGroup === null ? 'direct' : 'inherited';
    const before = sources.get(row.skuId);
    sources.set(row.skuId, before === undefined || before === source ? source : 'both');
  }
  return sources;
}
