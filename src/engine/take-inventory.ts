import { findLicenseAutomation } from '../domain/automation';
import { InventoryTally, type InventoryReport } from '../domain/inventory';
import { errorText } from '../error-text';
import type { TenantReader } from './ports/tenant-reader';

const AUDIT_WINDOW_DAYS = 30;

/**
 * Reads SKUs and every user's licenses, tallies how each SKU is held, and finds the existing license
 * automation in the last 30 days of the audit log. Changes nothing.
 */
export async function takeInventory(
  reader: TenantReader,
  options: { now?: Date; ignoreActors?: readonly string[] } = {}
): Promise<InventoryReport> {
  const tally = new InventoryTally(await reader.subscribedSkus());
  await reader.forEachUser((user) => tally.add(user));
  const since = new Date((options.now ?? new Date()).getTime() - AUDIT_WINDOW_DAYS * 86_400_000);
  try {
    const events = await reader.licenseChangeEvents(since);
    return {
      ...tally.result(),
      automation: findLicenseAutomation(events, options.ignoreActors),
      auditLogProblem: null,
    };
  } catch (error) {
    return {
      ...tally.result(),
      automation: [],
      auditLogProblem: `The audit log could not be read (${errorText(error)}); grant AuditLog.Read.All to see the existing automation.`,
    };
  }
}
