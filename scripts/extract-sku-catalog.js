// Regenerates src/simulator/sku-catalog.json and src/domain/product-names.json from Microsoft's published product and service-plan list
// (../shared/graph/product-names-and-service-plan-identifiers.csv), so that simulated SKUs carry real ids.
// Usage: node scripts/extract-sku-catalog.js
const fs = require('fs');
const path = require('path');

const WANTED = [
  'EMS',
  'EMSPREMIUM',
  'ENTERPRISEPACK',
  'ENTERPRISEPREMIUM',
  'STANDARDPACK',
  'SPE_E3',
  'SPE_E5',
  'AAD_PREMIUM',
];
const csv = fs.readFileSync(
  path.join(
    __dirname,
    '..',
    '..',
    'shared',
    'graph',
    'product-names-and-service-plan-identifiers.csv'
  ),
  'utf8'
);
const catalog = {};
const productNames = {};
for (const line of csv.split(/\r?\n/).slice(1)) {
  // Display names may be quoted and contain commas; the five columns after it never do.
  const cells = line.match(/^(?:"[^"]*"|[^,]*),([^,]+),([^,]+),([^,]+),([^,]+),/);
  if (!cells) continue;
  const [, skuPartNumber, skuId, servicePlanName, servicePlanId] = cells;
  const displayName = line.startsWith('"')
    ? line.slice(1, line.indexOf('"', 1))
    : line.split(',')[0];
  productNames[skuPartNumber] ??= displayName;
  if (!WANTED.includes(skuPartNumber)) continue;
  const sku = (catalog[skuPartNumber] ??= { skuId, skuPartNumber, displayName, servicePlans: [] });
  if (!sku.servicePlans.some((p) => p.servicePlanId === servicePlanId)) {
    sku.servicePlans.push({ servicePlanId, servicePlanName });
  }
}
fs.writeFileSync(
  path.join(__dirname, '..', 'src', 'simulator', 'sku-catalog.json'),
  JSON.stringify(catalog, null, 2) + '\n'
);
fs.writeFileSync(
  path.join(__dirname, '..', 'src', 'domain', 'product-names.json'),
  JSON.stringify(productNames, null, 1) + '\n'
);
console.log(
  Object.values(catalog)
    .map((s) => `${s.skuPartNumber}: ${s.servicePlans.length} plans`)
    .join('\n')
);
