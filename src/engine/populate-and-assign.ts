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
  options: {
    dryRun?: boolean;
    description?: string;
    /** Groups this migration created before (a resumed run): reused, never created twice. */
    knownGroupIds?: Readonly<Record<string, string>>;
    /** Told each group's id as soon as it exists, so a resumed run finds it. */
    onGroupReady?: (displayName: string, groupId: string) => Promise<void>;
  } = {}
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
      options.knownGroupIds?.[planned.displayName] ??
      (await writer.createSecurityGroup(
        planned.displayName,
        planned.mailNickname,
        options.description ?? 'Licensing group created by the license migration bot.'
      ));
    await options.onGroupReady?.(planned.displayName, groupId);
    const failures = await writer.addMembers(groupId, planned.userIds);
    for (const [userId, error] of failures)
      report.failures.push({ groupName: planned.displayName, userId, reason: error.message });
    // An existing group already assigns exactly this SKU and these disabled plans: assigning again would only
    // queue processing. A group of ours from an interrupted run is assigned again, which Graph takes as a no-op.
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

export interface ProcessingWait {
  /** Every group's processing is complete. */
  readonly complete: boolean;
  /** Groups still processing at the deadline. */
  readonly pending: readonly string[];
  /** Whether the audit log confirmed the finish, or could not be read (then the state alone counts). */
  readonly auditConfirmed: boolean;
}

/**
 * Waits until every group's license processing is complete: its `licenseProcessingState` says
 * ProcessingComplete and, for groups assigned a license since `assignedSince`, the audit log holds the
 * "Finish applying group based license to users" event. The state flips before the last members are
 * written on a busy tenant, so the audit event is the stronger signal; without audit permission the state
 * alone counts.
 */
export async function waitForProcessing(
  groupIds: readonly string[],
  writer: GroupWriter,
  options: {
    pollMs?: number;
    timeoutMs?: number;
    assignedSince?: Date;
    assigned?: readonly string[];
    /** Told each time a group's processing state changes (for the channel). */
    onChange?: (groupId: string, state: string | null) => Promise<void>;
  } = {}
): Promise<ProcessingWait> {
  const lastStates = new Map<string, string | null>();
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  const needsAudit = new Set((options.assigned ?? []).map((id) => id.toLowerCase()));
  let auditReadable = true;
  let waiting = [...groupIds];
  for (;;) {
    const states = await Promise.all(waiting.map((id) => writer.processingState(id)));
    for (const [i, id] of waiting.entries()) {
      if (lastStates.get(id) === states[i]) continue;
      lastStates.set(id, states[i]);
      await options.onChange?.(id, states[i]);
    }
    let finished: Set<string> | null = null;
    if (options.assignedSince && needsAudit.size > 0 && auditReadable) {
      finished = await writer.processingFinishedSince(options.assignedSince);
      auditReadable = finished !== null;
    }
    waiting = waiting.filter(
      (id, i) =>
        states[i] !== 'ProcessingComplete' ||
        (finished !== null && needsAudit.has(id.toLowerCase()) && !finished.has(id.toLowerCase()))
    );
    if (waiting.length === 0 || Date.now() > deadline)
      return {
        complete: waiting.length === 0,
        pending: waiting,
        auditConfirmed: auditReadable && needsAudit.size > 0,
      };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5_000));
  }
}
