import type { MigrationRecord } from './migration-record';

/** Per SKU, the licensing groups the approved plan assigns it through: the groups verification counts. */
export function intendedGroupsOf(
  record: MigrationRecord
): ReadonlyMap<string, ReadonlySet<string>> | undefined {
  const ids = record.assign?.groupIds;
  if (!record.assign || !ids || record.assign.status !== 'completed') return undefined;
  const intended = new Map<string, Set<string>>();
  for (const group of record.assign.groups) {
    const id = ids[group.displayName];
    if (!id) continue;
    const sku = group.skuId.toLowerCase();
    intended.set(sku, new Set([...(intended.get(sku) ?? []), id]));
  }
  return intended;
}
