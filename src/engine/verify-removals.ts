import { VerifyTally, type VerifyResult, type VerifyRow } from '../domain/verify-tally';
import type { TenantReader } from './ports/tenant-reader';
import type { DynamicLicensingGroup } from '../domain/dynamic-licensing-group';

export type { VerifyResult, VerifyRow } from '../domain/verify-tally';

/**
 * Checks every direct assignment in the tenant as it stands: may it go without the user losing anything?
 * With no plan recorded, every licensing group that assigns the SKU counts. Reads only, page by page:
 * the result holds counts, a few examples and the candidates compactly; a caller that needs every row
 * (the CSV, `report`) gets each through `onRow` as it is decided.
 */
export async function verifyDirectRemovals(
  reader: TenantReader,
  intendedGroups?: ReadonlyMap<string, ReadonlySet<string>>,
  dynamicGroups?: readonly DynamicLicensingGroup[],
  onRow?: (row: VerifyRow) => void
): Promise<VerifyResult> {
  const skuList = await reader.subscribedSkus();
  const skus = new Map(skuList.map((sku) => [sku.skuId.toLowerCase(), sku]));
  const groupNames = await reader.licensingGroupNames();
  const tally = new VerifyTally({
    skus,
    groupNames,
    intendedGroups,
    ...(dynamicGroups ? { dynamicGroups } : {}),
  });
  await reader.forEachUser((user) => {
    const rows = tally.add(user);
    if (onRow) rows.forEach(onRow);
  });
  return tally.result();
}
