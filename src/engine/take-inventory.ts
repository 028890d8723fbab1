import { InventoryTally, type Inventory } from '../domain/inventory';
import type { TenantReader } from './tenant-reader';

/** Reads SKUs and every user's licenses, and tallies how each SKU is held. Changes nothing. */
export async function takeInventory(reader: TenantReader): Promise<Inventory> {
  const tally = new InventoryTally(await reader.subscribedSkus());
  await reader.forEachUser((user) => tally.add(user));
  return tally.result();
}
