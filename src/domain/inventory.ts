import type { AutomationFinding } from './automation';
import { licenseSourcesOf, type SkuSnapshot, type UserLicenseSnapshot } from './licenses';

export interface SkuInventory {
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly prepaidUnits: number;
  readonly consumedUnits: number;
  readonly availableUnits: number;
  readonly directOnly: number;
  readonly inheritedOnly: number;
  readonly both: number;
}

export interface Inventory {
  readonly skus: readonly SkuInventory[];
  readonly userCount: number;
  readonly licensedUserCount: number;
  readonly disabledLicensedUsers: number;
  readonly licensedUsersWithoutUsageLocation: number;
  /** SKUs users hold that the tenant no longer subscribes to (or that are hidden from subscribedSkus). */
  readonly unknownSkuIds: readonly string[];
}

/** The inventory with what the audit log says about the existing automation. */
export interface InventoryReport extends Inventory {
  readonly automation: readonly AutomationFinding[];
  /** Why the audit log could not be read, if it could not (the rest of the inventory stands). */
  readonly auditLogProblem: string | null;
}

interface Counts {
  directOnly: number;
  inheritedOnly: number;
  both: number;
}

/**
 * Counts, per SKU, how many users hold it directly only, inherited only, or both. Users are added one at a
 * time so a 100,000-user tenant is tallied while paging, without keeping the users in memory.
 */
export class InventoryTally {
  private readonly counts = new Map<string, Counts>();
  private readonly unknownSkus = new Set<string>();
  private users = 0;
  private licensedUsers = 0;
  private disabledLicensed = 0;
  private noUsageLocation = 0;

  constructor(private readonly skus: readonly SkuSnapshot[]) {
    for (const sku of skus)
      this.counts.set(sku.skuId, { directOnly: 0, inheritedOnly: 0, both: 0 });
  }

  add(user: UserLicenseSnapshot): void {
    this.users++;
    const sources = licenseSourcesOf(user);
    if (sources.size === 0) return;
    this.licensedUsers++;
    if (!user.accountEnabled) this.disabledLicensed++;
    if (!user.usageLocation) this.noUsageLocation++;
    for (const [skuId, source] of sources) {
      const counts = this.counts.get(skuId);
      if (!counts) {
        this.unknownSkus.add(skuId);
        continue;
      }
      if (source === 'direct') counts.directOnly++;
      else if (source === 'inherited') counts.inheritedOnly++;
      else counts.both++;
    }
  }

  result(): Inventory {
    return {
      skus: this.skus.map((sku) => {
        const counts = this.counts.get(sku.skuId) ?? { directOnly: 0, inheritedOnly: 0, both: 0 };
        return {
          skuId: sku.skuId,
          skuPartNumber: sku.skuPartNumber,
          prepaidUnits: sku.prepaidUnits,
          consumedUnits: sku.consumedUnits,
          availableUnits: Math.max(0, sku.prepaidUnits - sku.consumedUnits),
          ...counts,
        };
      }),
      userCount: this.users,
      licensedUserCount: this.licensedUsers,
      disabledLicensedUsers: this.disabledLicensed,
      licensedUsersWithoutUsageLocation: this.noUsageLocation,
      unknownSkuIds: [...this.unknownSkus],
    };
  }
}
