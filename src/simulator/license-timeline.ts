import type { FixtureLicense, FixtureSku } from './tenant-fixture';
import { enabledPlansOf } from './licensing-rules';

/** One change to a user's effective licenses (the merged assignedLicenses view). */
export interface LicenseChange {
  readonly userId: string;
  readonly at: string;
  readonly before: readonly FixtureLicense[];
  readonly after: readonly FixtureLicense[];
}

/** A moment a user lost a SKU or some of its plans. */
export interface LicenseLoss {
  readonly userId: string;
  readonly at: string;
  readonly skuId: string;
  /** The plans no longer enabled; every plan of the SKU when the SKU itself went. */
  readonly plans: readonly string[];
}

/**
 * Every change to every user's effective licenses, in order: the fine-grained record tests use to prove
 * that nobody was ever without a license or plan they had. Read-only to the outside.
 */
export class LicenseTimeline {
  private readonly changes: LicenseChange[] = [];

  record(change: LicenseChange): void {
    this.changes.push(change);
  }

  /** Forgets everything: the fixture's own settling is not history. */
  clear(): void {
    this.changes.length = 0;
  }

  all(): readonly LicenseChange[] {
    return this.changes;
  }

  forUser(userId: string): LicenseChange[] {
    return this.changes.filter((change) => change.userId === userId);
  }

  /** Every change that took away a SKU or a plan a user had just before. */
  losses(skus: ReadonlyMap<string, FixtureSku>): LicenseLoss[] {
    const losses: LicenseLoss[] = [];
    for (const change of this.changes) {
      const after = new Map(change.after.map((l) => [l.skuId, l]));
      for (const before of change.before) {
        const sku = skus.get(before.skuId);
        const had = sku ? enabledPlansOf(sku, before.disabledPlans) : new Set<string>();
        const now = after.get(before.skuId);
        const has = now && sku ? enabledPlansOf(sku, now.disabledPlans) : new Set<string>();
        const lost = [...had].filter((plan) => !has.has(plan));
        if (!now || lost.length > 0)
          losses.push({ userId: change.userId, at: change.at, skuId: before.skuId, plans: lost });
      }
    }
    return losses;
  }
}
