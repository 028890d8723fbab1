import type { SkuSnapshot } from './licenses';
import type { PersonRef, RulePerson } from './rule-candidate';

/**
 * What a dynamic licensing group would cost: seats of its SKU for the people it newly licenses, and
 * Microsoft Entra ID P1 for everyone it contains. Pure.
 */

export interface SeatImpact {
  readonly skuId: string;
  readonly skuPartNumber: string;
  /** Gains who hold the SKU by no path today: each uses a seat once the group is licensed. */
  readonly newSeats: number;
  /** Seats bought and not used (prepaid − consumed), as the inventory counts them. */
  readonly available: number;
  /** Seats missing: licensing fails with CountViolation for the group's members beyond them. */
  readonly shortfall: number;
}

export function seatImpactOf(
  gains: readonly PersonRef[],
  sku: SkuSnapshot,
  people: ReadonlyMap<string, RulePerson>
): SeatImpact {
  const skuId = sku.skuId.toLowerCase();
  const newSeats = gains.filter(
    (g) => !(people.get(g.userId)?.heldSkuIds ?? []).includes(skuId)
  ).length;
  const available = Math.max(0, sku.prepaidUnits - sku.consumedUnits);
  return {
    skuId,
    skuPartNumber: sku.skuPartNumber,
    newSeats,
    available,
    shortfall: Math.max(0, newSeats - available),
  };
}

/**
 * Service plans that carry Microsoft Entra ID P1 (P2 includes P1): in Entra ID P1/P2 themselves, EMS E3/E5,
 * Microsoft 365 E3/E5 and others (Microsoft's product names and service plan identifiers).
 */
export const P1_SERVICE_PLANS: readonly string[] = ['AAD_PREMIUM', 'AAD_PREMIUM_P2'];

export interface P1Coverage {
  /**
   * Unique members of the dynamic groups: Microsoft requires an Entra ID P1 license for each ("Dynamic
   * membership rules for groups", license requirements). Not enforced, but an audit counts it.
   */
  readonly needed: number;
  /** Prepaid seats of the tenant's SKUs that carry P1. */
  readonly seats: number;
  /** Those SKUs' part numbers. */
  readonly products: readonly string[];
  /** Members beyond those seats. */
  readonly shortfall: number;
  /** Members who hold none of those SKUs themselves today. */
  readonly membersWithoutP1: number;
}

export function skusCarryingP1(skus: readonly SkuSnapshot[]): SkuSnapshot[] {
  return skus.filter((sku) =>
    sku.servicePlans.some((plan) => P1_SERVICE_PLANS.includes(plan.servicePlanName.toUpperCase()))
  );
}

/** P1 for these members (user ids; the union across dynamic groups, each person counted once). */
export function p1CoverageOf(
  members: ReadonlySet<string>,
  skus: readonly SkuSnapshot[],
  people: ReadonlyMap<string, RulePerson>
): P1Coverage {
  const carrying = skusCarryingP1(skus);
  const carryingIds = new Set(carrying.map((sku) => sku.skuId.toLowerCase()));
  const seats = carrying.reduce((sum, sku) => sum + sku.prepaidUnits, 0);
  let membersWithoutP1 = 0;
  for (const id of members) {
    const held = people.get(id)?.heldSkuIds ?? [];
    if (!held.some((skuId) => carryingIds.has(skuId))) membersWithoutP1++;
  }
  return {
    needed: members.size,
    seats,
    products: carrying.map((sku) => sku.skuPartNumber),
    shortfall: Math.max(0, members.size - seats),
    membersWithoutP1,
  };
}
