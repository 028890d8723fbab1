import type { ExistingLicensingGroup } from '../domain/group-plan';
import type { SkuSnapshot, UserLicenseSnapshot } from '../domain/licenses';

/** What the engine needs to read from the directory; Graph is one implementation. */
export interface TenantReader {
  organizationId(): Promise<string>;
  subscribedSkus(): Promise<SkuSnapshot[]>;
  /** Display names of every group that assigns licenses, by id. */
  licensingGroupNames(): Promise<Map<string, string>>;
  /** Every group that assigns licenses, with its licenses and how many of its members are groups. */
  licensingGroups(): Promise<ExistingLicensingGroup[]>;
  /** Visits every user once, page by page, without holding the whole tenant in memory. */
  forEachUser(visit: (user: UserLicenseSnapshot) => void): Promise<void>;
}
