import type { Inventory } from './inventory';
import { withProgressPoint, type MigrationRecord } from './migration-record';

/**
 * A count of the tenant's licenses added to the record's history (the picture over time). Only the
 * licenses the migration moves (all held ones before there is a plan), so the record stays small.
 */
export function withCountedPoint(
  record: MigrationRecord,
  label: string,
  at: Date,
  counted: Pick<Inventory, 'skus'> & Partial<Pick<Inventory, 'userCount'>>
): MigrationRecord {
  const planned = new Set(record.assign?.groups.map((g) => g.skuId.toLowerCase()) ?? []);
  return withProgressPoint(record, {
    at: at.toISOString(),
    label,
    ...(counted.userCount === undefined ? {} : { users: counted.userCount }),
    skus: counted.skus
      .filter((s) => planned.size === 0 || planned.has(s.skuId.toLowerCase()))
      .filter((s) => s.directOnly + s.both + s.inheritedOnly > 0)
      .map(({ skuId, skuPartNumber, directOnly, both, inheritedOnly }) => ({
        skuId,
        skuPartNumber,
        directOnly,
        both,
        inheritedOnly,
      })),
  });
}

/**
 * The tenant's size as last counted (the latest point of the history that kept it), or null when no
 * count has kept it yet: what choosing how to read many users needs, without a read of its own.
 */
export function lastCountedUsers(record: MigrationRecord): number | null {
  const history = record.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const users = history[i].users;
    if (users !== undefined) return users;
  }
  return null;
}
