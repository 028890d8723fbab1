import type { Attachment } from 'botbuilder';
import { describeAutomation } from '../../domain/automation';
import type { InventoryReport } from '../../domain/inventory';
import { productName } from '../../domain/product-names';
import template from './inventory.json';
import { bar, count, plural } from './card-format';
import { renderCard } from './render-card';

export function inventoryCard(inventory: InventoryReport, readAt: Date): Attachment {
  const notes: string[] = [];
  if (inventory.disabledLicensedUsers > 0) {
    notes.push(
      `${plural(inventory.disabledLicensedUsers, 'disabled account holds', 'disabled accounts hold')} licenses.`
    );
  }
  if (inventory.licensedUsersWithoutUsageLocation > 0) {
    notes.push(
      `${plural(inventory.licensedUsersWithoutUsageLocation, 'licensed user has', 'licensed users have')} no usage location.`
    );
  }
  for (const finding of inventory.automation.slice(0, 3)) notes.push(describeAutomation(finding));
  if (inventory.auditLogProblem) notes.push(inventory.auditLogProblem);
  if (inventory.unknownSkuIds.length > 0) {
    notes.push(
      `Users hold SKUs the tenant no longer lists: ${inventory.unknownSkuIds.join(', ')}.`
    );
  }
  return renderCard(template, {
    userCount: count(inventory.userCount),
    licensedUserCount: count(inventory.licensedUserCount),
    readAt: readAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    skus: inventory.skus.map((sku) => ({
      name: productName(sku.skuPartNumber),
      partNumber: sku.skuPartNumber,
      prepaid: count(sku.prepaidUnits),
      consumed: count(sku.consumedUnits),
      available: count(sku.availableUnits),
      availableColor: sku.availableUnits === 0 ? 'Attention' : 'Default',
      directOnly: count(sku.directOnly),
      inheritedOnly: count(sku.inheritedOnly),
      both: count(sku.both),
      // The picture of the migration for this license: direct only (to move), both, group only (done).
      bar: bar([
        { value: sku.directOnly, style: 'attention', label: 'direct' },
        { value: sku.both, style: 'warning', label: 'both' },
        { value: sku.inheritedOnly, style: 'good', label: 'group' },
      ]),
    })),
    notes,
  });
}
