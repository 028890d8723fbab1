import catalog from './sku-catalog.json';
import type { FixtureSku } from './tenant-fixture';

/** Real SKUs from Microsoft's product and service-plan list (see scripts/extract-sku-catalog.js). */
export type KnownSkuPartNumber = keyof typeof catalog;

export function catalogSku(partNumber: KnownSkuPartNumber, prepaidUnits: number): FixtureSku {
  const entry = catalog[partNumber];
  return {
    skuId: entry.skuId,
    skuPartNumber: entry.skuPartNumber,
    prepaidUnits,
    servicePlans: entry.servicePlans.map((plan) => ({ ...plan })),
  };
}
