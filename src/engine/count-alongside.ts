import { InventoryTally, type Inventory } from '../domain/inventory';
import type { SkuSnapshot } from '../domain/licenses';
import type { TenantReader } from './ports/tenant-reader';

/** A count of the tenant's licenses made from another read's pass over the users. */
export interface CountAlongside {
  /** The reader to hand that read: each of its passes over the users is counted too. */
  readonly reader: TenantReader;
  /** How every SKU was held in the last pass that read every page; null if none did. */
  counted(): Inventory | null;
}

/**
 * Counts the licenses alongside another read of every user (a verify, the population's sweep): one
 * sweep of the tenant's pages serves both, where a count of its own would read them all again. The
 * SKUs are read once for both.
 */
export function countAlongside(reader: TenantReader): CountAlongside {
  let skus: Promise<SkuSnapshot[]> | null = null;
  let counted: Inventory | null = null;
  const subscribedSkus = () => (skus ??= reader.subscribedSkus());
  const eventsAbout = reader.licenseChangeEventsAbout?.bind(reader);
  const counting: TenantReader = {
    organizationId: () => reader.organizationId(),
    subscribedSkus,
    licensingGroupNames: () => reader.licensingGroupNames(),
    licensingGroups: () => reader.licensingGroups(),
    groupsWithLicenseErrors: () => reader.groupsWithLicenseErrors(),
    membersWithLicenseErrors: (groupId) => reader.membersWithLicenseErrors(groupId),
    licenseChangeEvents: (since) => reader.licenseChangeEvents(since),
    ...(eventsAbout ? { licenseChangeEventsAbout: eventsAbout } : {}),
    forEachUser: async (visit) => {
      const tally = new InventoryTally(await subscribedSkus());
      await reader.forEachUser((user) => {
        tally.add(user);
        visit(user);
      });
      counted = tally.result();
    },
  };
  return { reader: counting, counted: () => counted };
}
