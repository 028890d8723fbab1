import names from './product-names.json';

const PRODUCT_NAMES: Readonly<Record<string, string>> = names;

/** The name admins know a SKU by ("Office 365 E3"), from Microsoft's published product list. */
export function productName(skuPartNumber: string): string {
  return PRODUCT_NAMES[skuPartNumber] ?? skuPartNumber;
}
