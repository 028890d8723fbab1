import type { Person } from '../domain/approvals';
import type { GroupChoiceArgument } from '../domain/commands';
import {
  chooseDynamicGroup,
  imprecision,
  ruleReach,
  withDynamicGroups,
  GroupChoiceError,
  type DynamicChoice,
  type RuleSubject,
} from '../domain/dynamic-choice';
import { groupsToAssign } from '../domain/approval-summaries';
import { GroupPlanner, type GroupPlan, type PlannedGroup } from '../domain/group-plan';
import {
  proposeDynamicRules,
  rulePersonOf,
  type DynamicRulePlan,
} from '../domain/dynamic-rule-plan';
import type { RulePerson } from '../domain/rule-candidate';
import type { MigrationStore } from './ports/migration-store';
import { updateRecord } from './update-record';
import type { TenantReader } from './ports/tenant-reader';

/**
 * `group N dynamic [C]` / `group N static`: the admin's choice of group per variant, recorded before
 * `assign`; and the plan `assign` asks to sign off, with each chosen variant counted again on the tenant
 * as it stands.
 */

/** The group plan, the rules inferred for it, and, from the same read, what rules read of every user. */
export async function planWithSubjects(
  reader: TenantReader
): Promise<{ plan: GroupPlan; rules: DynamicRulePlan; subjects: RulePerson[] }> {
  const skus = await reader.subscribedSkus();
  const planner = new GroupPlanner(
    new Map(skus.map((sku) => [sku.skuId.toLowerCase(), sku])),
    await reader.licensingGroups()
  );
  const subjects: RulePerson[] = [];
  await reader.forEachUser((user) => {
    planner.add(user);
    subjects.push(rulePersonOf(user));
  });
  const plan = planner.result();
  return { plan, rules: proposeDynamicRules(plan, subjects, skus), subjects };
}

/** Why the choice of groups can no longer change: the assignment has started (or waits for its sign-off). */
function choiceBlocker(status: string | undefined): string | null {
  if (status === undefined || status === 'rejected' || status === 'failed') return null;
  if (status === 'awaiting-approval')
    return 'The group assignment waits for its sign-off: choose groups before `assign`. An approver can reject that card; then choose and run `assign` again.';
  return 'The group assignment has started: the kind of each group was fixed when it was signed off.';
}

/** Records the choice; returns it (null for `static`). Refused with a specific error, changing nothing. */
export async function recordGroupChoice(
  deps: { readonly reader: TenantReader; readonly store: MigrationStore; readonly now: () => Date },
  by: Person,
  argument: GroupChoiceArgument
): Promise<{ choice: DynamicChoice | null; variantName: string }> {
  const before = (await deps.store.read()).record;
  const blocked = choiceBlocker(before.assign?.status);
  if (blocked) throw new GroupChoiceError(blocked);
  const { plan, rules, subjects } = await planWithSubjects(deps.reader);
  const variant = plan.groups[argument.variant - 1];
  let choice: DynamicChoice | null = null;
  if (argument.kind === 'dynamic' || !variant) {
    choice = chooseDynamicGroup({
      groups: plan.groups,
      variantNumber: argument.variant,
      candidates: (rules.variants[argument.variant - 1]?.candidates ?? []).map((c) => c.rule),
      candidateNumber: argument.candidate ?? 1,
      everyone: subjects,
      by,
      at: deps.now(),
    });
  }
  const name = variant.displayName;
  await updateRecord(deps.store, (record) => {
    const again = choiceBlocker(record.assign?.status);
    if (again) throw new GroupChoiceError(again);
    const others = (record.dynamicChoices ?? []).filter((c) => c.variantName !== name);
    return {
      record: { ...record, dynamicChoices: choice ? [...others, choice] : others },
      result: undefined,
    };
  });
  return { choice, variantName: name };
}

/**
 * The groups `assign` asks to sign off: each chosen variant as a dynamic group and its exceptions group,
 * counted again on the tenant now (new groups, and existing ones that lack members); a choice whose variant is gone or whose rule is no longer precise
 * enough falls back to the static group, and a note says so.
 */
export function assignPlan(
  plan: GroupPlan,
  subjects: readonly RuleSubject[],
  choices: readonly DynamicChoice[]
): { groups: PlannedGroup[]; dynamic: DynamicChoice[]; notes: string[] } {
  const dynamic: DynamicChoice[] = [];
  const notes: string[] = [];
  for (const choice of choices) {
    const variant = plan.groups.find((g) => g.displayName === choice.variantName);
    if (!variant || variant.existingGroupId) {
      notes.push(
        `"${choice.variantName}" is no longer planned as a new group: its dynamic rule is set aside.`
      );
      continue;
    }
    const reach = ruleReach(choice.rule, variant.userIds, subjects);
    const why = imprecision(variant.userIds.length, reach);
    if (why) {
      notes.push(
        `${choice.ruleText} is no longer precise enough for "${variant.displayName}" (${why}): it keeps a static group.`
      );
      continue;
    }
    dynamic.push({
      ...choice,
      expected: reach.expected,
      misses: reach.misses,
      gainCount: reach.gains.length,
      gainSample: reach.gains.slice(0, 5).map((u) => u.userPrincipalName),
    });
  }
  return { groups: groupsToAssign(withDynamicGroups(plan.groups, dynamic)), dynamic, notes };
}
