import type { LicenseChangeEvent } from '../../domain/automation';
import type { ExistingLicensingGroup } from '../../domain/group-plan';
import type { SkuSnapshot, UserLicenseSnapshot } from '../../domain/licenses';

/** What the engine needs to read from the directory; Graph is one implementation. */
export interface TenantReader {
  organizationId(): Promise<string>;
  subscribedSkus(): Promise<SkuSnapshot[]>;
  /** Display names of every group that assigns licenses, by id. */
  licensingGroupNames(): Promise<Map<string, string>>;
  /** Every group that assigns licenses, with its licenses and how many of its members are groups. */
  licensingGroups(): Promise<ExistingLicensingGroup[]>;
  /** Groups that have members in license error (`hasMembersWithLicenseErrors eq true`). */
  groupsWithLicenseErrors(): Promise<{ id: string; displayName: string }[]>;
  /** A group's members in license error, with their license assignment states. */
  membersWithLicenseErrors(groupId: string): Promise<UserLicenseSnapshot[]>;
  /** "Change user license" audit events since a moment (audit log retention is about 30 days). */
  licenseChangeEvents(since: Date): Promise<LicenseChangeEvent[]>;
  /** Optional: the same events about these users only (one request per user). */
  licenseChangeEventsAbout?(userIds: readonly string[], since: Date): Promise<LicenseChangeEvent[]>;
  /** Visits every user once, page by page, without holding the whole tenant in memory. */
  forEachUser(visit: (user: UserLicenseSnapshot) => void): Promise<void>;
}
