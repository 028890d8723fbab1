import { dynamicGroupName, exceptionsGroupName } from './dynamic-choice';
import type { FollowUpFinding, FollowUpTarget } from './follow-up';
import type { UserLicenseSnapshot } from './licenses';
import type { AssignState } from './migration-record';
import type { DynamicLicensingGroup } from './dynamic-licensing-group';
import { ruleMatches, ruleMismatch } from './proposed-rule';

export type { DynamicLicensingGroup } from './dynamic-licensing-group';
import { isHealthy } from './removal-safety';

/**
 * A user who holds a license only through a dynamic group and no longer matches its rule (an attribute
 * emptied or changed): Entra has not recomputed the group yet, but when it does, the license goes. The
 * follow-up warns while there is still time to fix the attribute or add them to the exceptions group.
 * Pure.
 */

/** The dynamic groups an assignment created, by id (those it has not created yet are left out). */
export function dynamicLicensingGroups(assign: AssignState | null | undefined) {
  return (assign?.dynamic ?? []).flatMap((choice): DynamicLicensingGroup[] => {
    const displayName = dynamicGroupName(choice.variantName);
    const groupId = assign?.groupIds?.[displayName];
    if (!groupId) return [];
    const exceptions = exceptionsGroupName(choice.variantName);
    const exceptionsName = assign?.groupIds?.[exceptions] ? exceptions : null;
    return [{ groupId, displayName, rule: choice.rule, ruleText: choice.ruleText, exceptionsName }];
  });
}

/**
 * The warning for one removed assignment, or null: the user's only healthy paths to the SKU are dynamic
 * groups none of whose rules match the attributes read now. A user read without attributes, or with any
 * other path (direct, a static group), is not at risk from a rule.
 */
export function ruleDriftFinding(
  target: FollowUpTarget,
  user: UserLicenseSnapshot,
  groups: readonly DynamicLicensingGroup[],
  product: string
): FollowUpFinding | null {
  const attributes = user.ruleAttributes;
  if (!attributes || groups.length === 0) return null;
  const byId = new Map(groups.map((g) => [g.groupId.toLowerCase(), g]));
  const paths = user.licenseAssignmentStates.filter(
    (r) => r.skuId.toLowerCase() === target.skuId.toLowerCase() && isHealthy(r)
  );
  const dynamic = paths.flatMap((r) => byId.get(r.assignedByGroup?.toLowerCase() ?? '') ?? []);
  if (dynamic.length === 0 || dynamic.length < paths.length) return null;
  if (dynamic.some((g) => ruleMatches(g.rule, attributes))) return null;
  const group = dynamic[0];
  const mismatch = ruleMismatch(group.rule, attributes);
  return {
    intentId: target.intentId,
    userId: target.userId,
    userPrincipalName: user.userPrincipalName,
    skuId: target.skuId,
    problem: 'rule-drift',
    detail: `holds ${product} only through "${group.displayName}", whose rule ${group.ruleText} no longer matches them${mismatch ? ` (${mismatch})` : ''}: Entra takes the license away when it next computes the group's members. Fix the attribute, or add them to ${group.exceptionsName ? `"${group.exceptionsName}"` : 'a static group licensed the same way'}.`,
    needsRestore: false,
  };
}
