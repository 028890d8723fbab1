import {
  proposeDynamicRules,
  rulePersonOf,
  type DynamicRulePlan,
} from '../domain/dynamic-rule-plan';
import { GroupPlanner, type GroupPlan } from '../domain/group-plan';
import type { SkuSnapshot } from '../domain/licenses';
import type { RulePerson } from '../domain/rule-candidate';
import type { TenantReader } from './ports/tenant-reader';

/** Phase 2, dry run: which licensing groups to create or reuse, and who goes in each. Changes nothing. */
export async function planGroups(reader: TenantReader): Promise<GroupPlan> {
  const planner = await groupPlanner(reader);
  await reader.forEachUser((user) => planner.add(user));
  return planner.result();
}

/**
 * The group plan and, from the same read of every user, the dynamic membership rules that could replace
 * each static group. Changes nothing.
 */
export async function planGroupsWithRules(
  reader: TenantReader
): Promise<{ plan: GroupPlan; rules: DynamicRulePlan }> {
  const skus = await reader.subscribedSkus();
  const planner = await groupPlanner(reader, skus);
  const everyone: RulePerson[] = [];
  await reader.forEachUser((user) => {
    planner.add(user);
    everyone.push(rulePersonOf(user));
  });
  const plan = planner.result();
  return { plan, rules: proposeDynamicRules(plan, everyone, skus) };
}

async function groupPlanner(
  reader: TenantReader,
  skus?: readonly SkuSnapshot[]
): Promise<GroupPlanner> {
  const bySkuId = new Map(
    (skus ?? (await reader.subscribedSkus())).map((sku) => [sku.skuId.toLowerCase(), sku])
  );
  return new GroupPlanner(bySkuId, await reader.licensingGroups());
}
