import {
  reassignedAfterWaves,
  removedAssignments,
  waveTallies,
  type ReassignmentWarning,
  type WaveTally,
} from '../domain/done-report';
import { InventoryTally, type Inventory } from '../domain/inventory';
import type { Journal } from '../domain/journal';
import type { UserLicenseSnapshot } from '../domain/licenses';
import { errorText } from '../error-text';
import type { TenantReader } from './tenant-reader';

export interface DoneReport {
  /** How every SKU is held now: direct only, inherited only, both. */
  readonly inventory: Inventory;
  readonly waves: readonly WaveTally[];
  /** Direct assignments removed in a wave that are direct again. */
  readonly reassigned: readonly ReassignmentWarning[];
  readonly auditLogProblem: string | null;
}

/**
 * Phase 8: the report at the end, from one read of the tenant, the journal and the audit log since the
 * first removal. Changes nothing.
 */
export async function buildDoneReport(
  reader: TenantReader,
  journal: Journal,
  options: { ignoreActors?: readonly string[] } = {}
): Promise<DoneReport> {
  const entries = await journal.entries();
  const removed = removedAssignments(entries);
  const removedUsers = new Set(removed.map((r) => r.userId.toLowerCase()));
  const tally = new InventoryTally(await reader.subscribedSkus());
  const usersNow = new Map<string, UserLicenseSnapshot>();
  await reader.forEachUser((user) => {
    tally.add(user);
    // Only those holding something directly again: at scale, not 100,000 snapshots.
    if (
      removedUsers.has(user.id.toLowerCase()) &&
      user.licenseAssignmentStates.some((row) => row.assignedByGroup === null)
    )
      usersNow.set(user.id.toLowerCase(), user);
  });
  const firstRemoval = removed.reduce<string | null>(
    (first, r) => (first === null || r.removedAt < first ? r.removedAt : first),
    null
  );
  let events: Awaited<ReturnType<TenantReader['licenseChangeEvents']>> = [];
  let auditLogProblem: string | null = null;
  if (firstRemoval !== null) {
    try {
      events = await reader.licenseChangeEvents(new Date(firstRemoval));
    } catch (error) {
      auditLogProblem = `The audit log could not be read (${errorText(error)}); direct assignments made again are listed without who made them.`;
    }
  }
  return {
    inventory: tally.result(),
    waves: waveTallies(entries),
    reassigned: reassignedAfterWaves(removed, usersNow, events, options.ignoreActors),
    auditLogProblem,
  };
}
