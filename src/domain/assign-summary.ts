import { dynamicChoiceSummary, dynamicGroupName, type DynamicChoice } from './dynamic-choice';
import type { GroupPlan, PlannedGroup } from './group-plan';
import { productName } from './product-names';

/**
 * What the assignment's sign-off card says: each group to create or fill (a chosen variant as its
 * dynamic group, rule and numbers), the new seats, and the plan's warnings and notes. Pure.
 */

/** The groups `assign` works on: new ones, and existing ones that lack members. */
export const groupsToAssign = (groups: readonly PlannedGroup[]): PlannedGroup[] =>
  groups.filter((g) => g.existingGroupId === null || g.toAdd > 0);

/** Why there is nothing to assign, or null. */
export function nothingToAssign(plan: GroupPlan, groups: readonly PlannedGroup[]): string | null {
  if (groups.length > 0) return null;
  return plan.groups.length === 0
    ? 'Nobody holds a license directly: there is nothing to assign to groups.'
    : 'Every direct assignment is already matched by a licensing group that has its users as members: nothing to assign. Run `verify`.';
}

export function assignSummary(
  plan: GroupPlan,
  groups: readonly PlannedGroup[],
  chosen: { readonly dynamic: readonly DynamicChoice[]; readonly notes: readonly string[] }
): string[] {
  return [
    ...groups.flatMap((planned) => {
      const choice = chosen.dynamic.find(
        (c) => planned.displayName === dynamicGroupName(c.variantName)
      );
      if (choice) return dynamicChoiceSummary(choice);
      // Said with its dynamic group's lines.
      if (planned.exceptionsFor) return [];
      const sample = planned.sampleUserPrincipalNames.slice(0, 3).join(', ');
      const disabled = planned.disabledPlans.length;
      return planned.existingGroupId === null
        ? `Create "${planned.displayName}" with ${planned.userIds.length} members (e.g. ${sample}) and assign it ${productName(planned.skuPartNumber)}${disabled ? ` with the same ${disabled} service plans disabled as directly` : ''}.`
        : `Add ${planned.toAdd} members to the existing "${planned.displayName}" (e.g. ${sample}).`;
    }),
    `New seats needed: ${
      Object.entries(plan.newSeats)
        .filter(([, n]) => n > 0)
        .map(([sku, n]) => `${productName(sku)} ${n}`)
        .join(', ') || 'none (a user holding the SKU directly uses no second seat)'
    }.`,
    'Direct assignments are not touched in this phase.',
    ...plan.warnings,
    ...chosen.notes,
  ];
}
