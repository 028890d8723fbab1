import type { LicenseAssignmentSnapshot, SkuSnapshot, UserLicenseSnapshot } from './licenses';
import { assignmentAdvice, describeAssignmentState } from './license-errors';
import { productName } from './product-names';
import { ruleMatches, ruleMismatch, type RuleAttributes } from './proposed-rule';
import type { DynamicLicensingGroup } from './dynamic-licensing-group';
import { directAssignmentsOf } from './direct-assignment';

/**
 * What decides whether a user's direct license may go: the group assignments of the same SKU must be
 * active, error-free, from a group that counts, and together enable every plan the direct one enables.
 * Anything else keeps the direct license, with the reason in words an admin understands.
 */

export type RemovalDecision =
  | {
      readonly decision: 'remove';
      readonly skuId: string;
      readonly reason: string;
      readonly groupIds: readonly string[];
    }
  | {
      readonly decision: 'skip';
      readonly skuId: string;
      readonly reason: string;
      readonly groupIds: readonly string[];
    };

export interface RemovalContext {
  readonly skus: ReadonlyMap<string, SkuSnapshot>;
  /** Display names of groups, for reasons; ids are shown for groups not in it. */
  readonly groupNames: ReadonlyMap<string, string>;
  /**
   * Per SKU, the groups the migration plan intends to license it. Absent for a SKU (or absent
   * altogether): every group that assigns the SKU counts.
   */
  readonly intendedGroups?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * The dynamic licensing groups the bot made, with the rules they were proven with. A path through one
   * counts only while the user's attributes, read with the assignments, still match its rule: otherwise
   * Entra takes the license away at its next computation of the group, whatever the read shows now.
   */
  readonly dynamicGroups?: readonly DynamicLicensingGroup[];
}

const HEALTHY_ERRORS = new Set([null, '', 'None']);

/** True for an assignment that is applied and without error. */
export function isHealthy(row: LicenseAssignmentSnapshot): boolean {
  return row.state === 'Active' && HEALTHY_ERRORS.has(row.error);
}

/** The service plans an assignment enables. */
export function enabledPlans(
  sku: SkuSnapshot | undefined,
  disabledPlans: readonly string[]
): Set<string> {
  const disabled = new Set(disabledPlans.map((p) => p.toLowerCase()));
  return new Set(
    (sku?.servicePlans ?? [])
      .map((p) => p.servicePlanId.toLowerCase())
      .filter((id) => !disabled.has(id))
  );
}

function productLabel(sku: SkuSnapshot | undefined, skuId: string): string {
  return sku ? productName(sku.skuPartNumber) : skuId;
}

/** "a, b and c". */
export function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** A service plan's name, or its id when the SKU does not list it. */
export const planName = (sku: SkuSnapshot | undefined, id: string): string =>
  sku?.servicePlans.find((p) => p.servicePlanId.toLowerCase() === id.toLowerCase())
    ?.servicePlanName ?? id;

/**
 * The dynamic group behind an assignment row whose rule the user no longer matches (or whose attributes
 * were not read, so the match cannot be known); undefined for any other row.
 */
function lapsingGroup(
  row: LicenseAssignmentSnapshot,
  attributes: RuleAttributes | undefined,
  groups: readonly DynamicLicensingGroup[] | undefined
): DynamicLicensingGroup | undefined {
  const id = row.assignedByGroup?.toLowerCase();
  const group = id ? groups?.find((g) => g.groupId.toLowerCase() === id) : undefined;
  return group && !(attributes && ruleMatches(group.rule, attributes)) ? group : undefined;
}

/** Why a user's only path through a dynamic group does not count, and what to do about it. */
function lapsingReason(
  product: string,
  group: DynamicLicensingGroup,
  attributes: RuleAttributes | undefined
): string {
  const mismatch = attributes ? ruleMismatch(group.rule, attributes) : null;
  const why = !attributes
    ? 'could not be checked against them (their attributes were not read)'
    : `no longer matches them${mismatch ? ` (${mismatch})` : ''}`;
  return `${product} comes only from "${group.displayName}", whose rule ${group.ruleText} ${why}: Entra would take the license away when it next computes the group's members, so the direct assignment stays. Fix the attribute, or add them to ${group.exceptionsName ? `"${group.exceptionsName}"` : 'a static group licensed the same way'}.`;
}

/** The decision for each SKU the user holds directly. */
export function decideDirectRemovals(
  user: UserLicenseSnapshot,
  context: RemovalContext
): RemovalDecision[] {
  return directAssignmentsOf(user).map((row) => decideOne(user, row, context));
}

function decideOne(
  user: UserLicenseSnapshot,
  direct: LicenseAssignmentSnapshot,
  context: RemovalContext
): RemovalDecision {
  const { skuId } = direct;
  const sku = context.skus.get(skuId);
  const product = productLabel(sku, skuId);
  const name = (groupId: string) => context.groupNames.get(groupId) ?? groupId;
  const intended = context.intendedGroups?.get(skuId);
  const skip = (reason: string, groupIds: readonly string[] = []): RemovalDecision => ({
    decision: 'skip',
    skuId,
    reason,
    groupIds,
  });

  if (!sku)
    return skip(
      `${product} is not among the tenant's subscriptions any more; review this user by hand.`
    );
  const inherited = user.licenseAssignmentStates.filter(
    (row) =>
      row.skuId === skuId &&
      row.assignedByGroup !== null &&
      (!intended || intended.has(row.assignedByGroup))
  );
  if (inherited.length === 0) {
    const elsewhere = user.licenseAssignmentStates.filter(
      (row) => row.skuId === skuId && row.assignedByGroup !== null
    );
    return elsewhere.length > 0 && intended
      ? skip(
          `${product} comes only from ${list(elsewhere.map((r) => name(r.assignedByGroup ?? '')))}, which is not a licensing group of the plan.`
        )
      : skip(
          `No group gives ${product} to this user yet: add them to a licensing group for it and wait for processing.`
        );
  }
  const sound = inherited.filter(isHealthy);
  const healthy = sound.filter(
    (row) => !lapsingGroup(row, user.ruleAttributes, context.dynamicGroups)
  );
  if (sound.length > 0 && healthy.length === 0) {
    const group = lapsingGroup(sound[0], user.ruleAttributes, context.dynamicGroups)!;
    return skip(lapsingReason(product, group, user.ruleAttributes), [group.groupId]);
  }
  if (healthy.length === 0) {
    const problems = inherited.map(
      (row) =>
        `${name(row.assignedByGroup ?? '')} is ${describeAssignmentState(row.state, row.error)}`
    );
    const advice = assignmentAdvice(inherited[0].state, inherited[0].error);
    return skip(
      `The group license for ${product} is not active and error-free: ${list(problems)}.${advice ? ` ${advice.cause} ${advice.fix}` : ''}`,
      inherited.map((r) => r.assignedByGroup ?? '')
    );
  }
  const fromGroups = new Set<string>();
  for (const row of healthy)
    enabledPlans(sku, row.disabledPlans).forEach((plan) => fromGroups.add(plan));
  const missing = [...enabledPlans(sku, direct.disabledPlans)].filter(
    (plan) => !fromGroups.has(plan)
  );
  const groupIds = healthy.map((row) => row.assignedByGroup ?? '');
  if (missing.length > 0) {
    const planNames = missing.map((id) => planName(sku, id));
    return skip(
      `Removing the direct ${product} would switch off ${list(planNames)}: ${list(groupIds.map(name))} ${groupIds.length === 1 ? 'disables' : 'disable'} ${missing.length === 1 ? 'it' : 'them'}.`,
      groupIds
    );
  }
  return {
    decision: 'remove',
    skuId,
    reason: `${product} is inherited from ${list(groupIds.map(name))}, active and without error, and enables every plan the direct assignment does.`,
    groupIds,
  };
}

/**
 * Plans the user no longer has after a removal, against what the direct assignment enabled: every healthy
 * assignment of the SKU left (from any source) counts, but one through a dynamic group whose rule the
 * user no longer matches (Entra is about to take it). Empty means nothing was lost.
 */
export function plansLostAfterRemoval(
  after: UserLicenseSnapshot,
  sku: SkuSnapshot | undefined,
  skuId: string,
  directDisabledPlans: readonly string[],
  dynamicGroups?: readonly DynamicLicensingGroup[]
): string[] {
  const still = new Set<string>();
  for (const row of after.licenseAssignmentStates) {
    if (
      row.skuId === skuId &&
      isHealthy(row) &&
      !lapsingGroup(row, after.ruleAttributes, dynamicGroups)
    )
      enabledPlans(sku, row.disabledPlans).forEach((p) => still.add(p));
  }
  return [...enabledPlans(sku, directDisabledPlans)].filter((plan) => !still.has(plan));
}
