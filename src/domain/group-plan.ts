import { whyMembersCannotBeAdded, type GroupMembershipTraits } from './group-changeability';
import type { SkuSnapshot, UserLicenseSnapshot } from './licenses';
import { productName } from './product-names';
import { directAssignmentsOf } from './direct-assignment';

/**
 * Plan groups: one licensing group per SKU and distinct set of disabled plans found among the direct
 * assignments, so each user inherits exactly what they hold directly. An existing licensing group that
 * assigns the same SKU with the same disabled plans is reused if the bot can add the users it lacks, or,
 * when it cannot (synced, dynamic, role-assignable), only if it lacks nobody. Pure: snapshots in, a plan out.
 */

export interface ExistingLicensingGroup extends GroupMembershipTraits {
  readonly id: string;
  readonly displayName: string;
  readonly licenses: readonly {
    readonly skuId: string;
    readonly disabledPlans: readonly string[];
  }[];
  /** Members that are groups: they do not pass the license on (no nested licensing). */
  readonly nestedGroupCount: number;
}

export interface PlannedGroup {
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly disabledPlans: readonly string[];
  /** Display name for a new group, or the existing group's name. */
  readonly displayName: string;
  readonly mailNickname: string;
  readonly existingGroupId: string | null;
  /** Everyone holding this SKU directly with exactly these disabled plans. */
  readonly userIds: readonly string[];
  /** Of those, how many the group does not license yet (they must be added). */
  readonly toAdd: number;
  /** Why an existing group is reused although the bot cannot add members to it (it needs none); absent otherwise. */
  readonly reusedAsIs?: string;
  readonly sampleUserPrincipalNames: readonly string[];
  /** A new dynamic group's membership rule: Entra sets its members (`userIds` are those it should hold). */
  readonly membershipRule?: string;
  /** A static exceptions group: the holders the named dynamic group's rule misses. */
  readonly exceptionsFor?: string;
}

export interface GroupPlan {
  readonly groups: readonly PlannedGroup[];
  /** Seats assigning the groups would newly use, per SKU: a user holding the SKU directly needs none. */
  readonly newSeats: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
}

const SAMPLE = 5;

const variantKey = (skuId: string, disabled: readonly string[]) =>
  `${skuId}|${[...disabled]
    .map((p) => p.toLowerCase())
    .sort()
    .join(',')}`;

/** Collects direct assignments user by user (streaming), then proposes the groups. */
export class GroupPlanner {
  private readonly variants = new Map<
    string,
    {
      skuId: string;
      disabledPlans: string[];
      users: string[];
      upns: string[];
      licensedBy: Map<string, number>;
    }
  >();
  private disabledAccounts = 0;
  private withoutLocation = 0;

  constructor(
    private readonly skus: ReadonlyMap<string, SkuSnapshot>,
    private readonly existing: readonly ExistingLicensingGroup[] = []
  ) {}

  add(user: UserLicenseSnapshot): void {
    const direct = directAssignmentsOf(user);
    if (direct.length === 0) return;
    if (!user.accountEnabled) this.disabledAccounts++;
    if (!user.usageLocation) this.withoutLocation++;
    for (const row of direct) {
      const disabledPlans = [...row.disabledPlans].map((p) => p.toLowerCase()).sort();
      const key = variantKey(row.skuId, disabledPlans);
      let variant = this.variants.get(key);
      if (!variant) {
        variant = { skuId: row.skuId, disabledPlans, users: [], upns: [], licensedBy: new Map() };
        this.variants.set(key, variant);
      }
      variant.users.push(user.id);
      if (variant.upns.length < SAMPLE) variant.upns.push(user.userPrincipalName);
      for (const inherited of user.licenseAssignmentStates) {
        if (inherited.skuId === row.skuId && inherited.assignedByGroup !== null) {
          variant.licensedBy.set(
            inherited.assignedByGroup,
            (variant.licensedBy.get(inherited.assignedByGroup) ?? 0) + 1
          );
        }
      }
    }
  }

  /**
   * The existing group to reuse for a variant: one the bot can add members to, else one it cannot change
   * that already licenses every user of the variant. Groups passed over are noted for the plan.
   */
  private existingGroupFor(variant: {
    skuId: string;
    disabledPlans: string[];
    users: string[];
    licensedBy: Map<string, number>;
  }): { match: ExistingLicensingGroup | undefined; reusedAsIs: string | null; notes: string[] } {
    const key = variantKey(variant.skuId, variant.disabledPlans);
    const candidates = this.existing.filter((g) =>
      g.licenses.some((l) => variantKey(l.skuId, l.disabledPlans) === key)
    );
    const changeable = candidates.find((g) => whyMembersCannotBeAdded(g) === null);
    const complete = candidates.find(
      (g) => (variant.licensedBy.get(g.id) ?? 0) === variant.users.length
    );
    const match = complete ?? changeable;
    const notes: string[] = [];
    for (const group of candidates) {
      const why = whyMembersCannotBeAdded(group);
      const lacking = variant.users.length - (variant.licensedBy.get(group.id) ?? 0);
      if (why && group !== match && lacking > 0) {
        notes.push(
          `${group.displayName} is not reused: ${why}, and ${lacking} of the ${variant.users.length} user(s) who need it are not in it${changeable ? '' : '; a new group is planned'}.`
        );
      }
    }
    return { match, reusedAsIs: match ? whyMembersCannotBeAdded(match) : null, notes };
  }

  result(): GroupPlan {
    const bySku = new Map<string, number>();
    for (const v of this.variants.values()) bySku.set(v.skuId, (bySku.get(v.skuId) ?? 0) + 1);
    const passedOver: string[] = [];
    const groups = [...this.variants.values()]
      .sort(
        (a, b) => a.skuId.localeCompare(b.skuId) || a.disabledPlans.length - b.disabledPlans.length
      )
      .map((variant): PlannedGroup => {
        const sku = this.skus.get(variant.skuId);
        const { match, reusedAsIs, notes } = this.existingGroupFor(variant);
        passedOver.push(...notes);
        const planNames = variant.disabledPlans.map(
          (id) =>
            sku?.servicePlans.find((p) => p.servicePlanId.toLowerCase() === id)?.servicePlanName ??
            id
        );
        const product = sku ? productName(sku.skuPartNumber) : variant.skuId;
        const partNumber = sku?.skuPartNumber ?? variant.skuId;
        const suffix = planNames.length > 0 ? ` (without ${planNames.join(', ')})` : '';
        const nickSuffix =
          planNames.length > 0
            ? `-no-${planNames.map((n) => n.toLowerCase().replace(/[^a-z0-9]/g, '')).join('-')}`
            : '';
        return {
          skuId: variant.skuId,
          skuPartNumber: partNumber,
          disabledPlans: variant.disabledPlans,
          displayName: match?.displayName ?? `LIC ${product}${suffix}`,
          mailNickname:
            `lic-${partNumber.toLowerCase().replace(/[^a-z0-9]/g, '')}${nickSuffix}`.slice(0, 64),
          existingGroupId: match?.id ?? null,
          userIds: variant.users,
          toAdd: variant.users.length - (match ? (variant.licensedBy.get(match.id) ?? 0) : 0),
          ...(reusedAsIs ? { reusedAsIs } : {}),
          sampleUserPrincipalNames: variant.upns,
        };
      });
    const warnings: string[] = [...passedOver];
    for (const group of groups) {
      if (group.reusedAsIs)
        warnings.push(
          `${group.displayName} is reused as it is: ${group.reusedAsIs}, and it already licenses all ${group.userIds.length} user(s); nobody is added.`
        );
    }
    for (const group of this.existing) {
      if (group.nestedGroupCount > 0) {
        warnings.push(
          `${group.displayName} has ${group.nestedGroupCount} nested group(s): their members do not get its licenses; add users directly.`
        );
      }
    }
    for (const [skuId, count] of bySku) {
      if (count > 1) {
        const sku = this.skus.get(skuId);
        warnings.push(
          `${sku ? productName(sku.skuPartNumber) : skuId} is assigned with ${count} different sets of disabled plans: one group each.`
        );
      }
    }
    if (this.withoutLocation > 0) {
      warnings.push(
        `${this.withoutLocation} user(s) have no usage location: group licensing will use the tenant's country for them.`
      );
    }
    if (this.disabledAccounts > 0) {
      warnings.push(
        `${this.disabledAccounts} disabled account(s) hold direct licenses; they are planned like everyone else.`
      );
    }
    // Every planned member already holds the SKU directly, and one user uses one seat however many sources.
    const newSeats = Object.fromEntries(
      [...bySku.keys()].map((skuId) => [this.skus.get(skuId)?.skuPartNumber ?? skuId, 0])
    );
    return { groups, newSeats, warnings };
  }
}
