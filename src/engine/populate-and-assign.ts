import type { GroupPlan } from '../domain/group-plan';
import type { GroupWriter } from './group-writer';

export interface PopulateReport {
  readonly groups: {
    readonly displayName: string;
    readonly groupId: string | null;
    readonly created: boolean;
    readonly membersAdded: number;
    readonly licenseAssigned: boolean;
  }[];
  /** Users who could not be added, with Graph's reason. */
  readonly failures: { groupName: string; userId: string; reason: string }[];
  readonly dryRun: boolean;
}

/**
 * Phase 3: creates (or reuses) each planned group, adds its members, and assigns it the SKU with the same
 * disabled plans as the direct assignments. Direct assignments are not touched. With `dryRun`, says
 * exactly what it would do and changes nothing.
 */
export async function populateAndAssign(
  plan: GroupPlan,
  writer: GroupWriter,
  options: { dryRun?: boolean; description?: string } = {}
): Promise<PopulateReport> {
  const report: PopulateReport = { groups: [], failures: [], dryRun: options.dryRun ?? false };
  for (const planned of plan.groups) {
    if (options.dryRun) {
      report.groups.push({
        displayName: planned.displayName,
        groupId: planned.existingGroupId,
        created: planned.existingGroupId === null,
        membersAdded: planned.toAdd,
        licenseAssigned: planned.existingGroupId === null,
      });
      continue;
    }
    const created = planned.existingGroupId === null;
    const groupId =
      planned.existingGroupId ??
      (await writer.createSecurityGroup(
        planned.displayName,
        planned.mailNickname,
        options.description ?? 'Licensing group created by the license migration bot.'
      ));
    const failures = await writer.addMembers(groupId, planned.userIds);
    for (const [userId, error] of failures)
      report.failures.push({ groupName: planned.displayName, userId, reason: error.message });
    // An existing group already assigns exactly this SKU and these disabled plans: assigning again would only queue processing.
    if (created) await writer.assignGroupLicense(groupId, planned.skuId, planned.disabledPlans);
    report.groups.push({
      displayName: planned.displayName,
      groupId,
      created,
      membersAdded: planned.userIds.length - failures.size,
      licenseAssigned: created,
    });
  }
  return report;
}

/** Waits until every group's license processing is complete; resolves false if it is not by the deadline. */
export async function waitForProcessing(
  groupIds: readonly string[],
  writer: GroupWriter,
  options: { pollMs?: number; timeoutMs?: number } = {}
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let waiting = [...groupIds];
  while (waiting.length > 0) {
    const states = await Promise.all(waiting.map((id) => writer.processingState(id)));
    waiting = waiting.filter((_, i) => states[i] !== 'ProcessingComplete');
    if (waiting.length === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5_000));
  }
  return true;
}
