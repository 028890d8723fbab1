import { GroupPlanner, type GroupPlan } from '../domain/group-plan';
import type { TenantReader } from './tenant-reader';

/** Phase 2, dry run: which licensing groups to create or reuse, and who goes in each. Changes nothing. */
export async function planGroups(reader: TenantReader): Promise<GroupPlan> {
  const skus = new Map(
    (await reader.subscribedSkus()).map((sku) => [sku.skuId.toLowerCase(), sku])
  );
  const planner = new GroupPlanner(skus, await reader.licensingGroups());
  await reader.forEachUser((user) => planner.add(user));
  return planner.result();
}
