import {
  assignFinished,
  assignGroupsKnown,
  processingProblem,
} from '../../domain/assign-lifecycle';
import type { PlannedGroup } from '../../domain/group-plan';
import type { AssignState } from '../../domain/migration-record';
import { leftOutSentence } from '../../domain/population-audience';
import { needsProof, proveShadowGroups } from '../dynamic-group-proof';
import { listLicenseErrors } from '../list-license-errors';
import { intendedGroupsOf } from '../../domain/intended-groups';
import { dynamicLicensingGroups } from '../../domain/rule-drift';
import { updateRecord } from '../update-record';
import { populateAndAssign } from '../populate-and-assign';
import { waitForProcessing } from '../wait-for-processing';
import { readBackOf } from '../read-until-fresh';
import { verifyDirectRemovals } from '../verify-removals';
import { countAlongside } from '../count-alongside';
import type { UserRead } from '../../domain/directory-answers';
import { isLeaseLost } from '../ports/write-fence';
import type { JobDependencies } from './job-dependencies';
import { plannedGroupsOrStop } from './assign-members';
import { populationReads } from './population-reads';
import { BEFORE_THE_GROUPS, sweepBeforeGroups } from './before-groups-sweep';
import { recordStockPoint, takeStock } from './take-stock';

/**
 * The approved group assignment: the licensing groups created (or found) and populated, licensed, and
 * their license processing waited for; then verified, and license errors listed. Started again after a
 * restart, it reuses the groups it recorded. Dynamic groups are first proved (their shadows, and a
 * second sign-off). `stopping` says this process is shutting down.
 */
export async function runAssignJob(
  deps: JobDependencies,
  assign: AssignState,
  stopping: () => boolean
): Promise<void> {
  const filled = await fillGroups(deps, assign, stopping);
  if (!filled) return;
  const outcome = await awaitProcessing(deps, filled);
  await updateRecord(deps.store, (record) => ({
    record: assignFinished(record, assign.approvalId, {
      groupIds: outcome.groupIds,
      at: deps.now(),
      problem: outcome.wait.complete ? null : processingProblem(outcome.pending),
    }),
    result: undefined,
  }));
  await tellAssignFinished(deps, outcome);
}

type Filled = NonNullable<Awaited<ReturnType<typeof populate>>>;
type AssignOutcome = Awaited<ReturnType<typeof awaitProcessing>>;

/**
 * The groups created (or found), filled and licensed; null when the step ends here (nothing planned, or
 * dynamic groups to prove first). The plan's members and the sweep's reads are let go when it returns,
 * not held through the processing wait (~150 MB at 500,000 users).
 */
async function fillGroups(
  deps: JobDependencies,
  assign: AssignState,
  stopping: () => boolean
): Promise<Filled | null> {
  const groups = await plannedGroupsOrStop(deps, assign);
  if (!groups) return null;
  await deps.notifier.notify({
    kind: 'assign-started',
    groups: assign.groups.map((g) => g.displayName),
  });
  // The picture before any group licenses anyone. A resumed run (its groups recorded) has it already.
  if (needsProof(assign)) {
    if (!assign.groupIds)
      await takeStock(deps, { label: BEFORE_THE_GROUPS, since: null, throughWave: null });
    await proveShadowGroups(deps, assign, groups, stopping);
    return null;
  }
  // In the pass that reads the groups' members, before the first is added.
  const sweptBefore = assign.groupIds ? undefined : sweepBeforeGroups(deps, groups);
  // A step that failed before that pass (creating the groups) licensed no one: it is taken now, as
  // the step tried again skips it; not once another instance holds the lease (it may license already).
  return populate(deps, assign, groups, sweptBefore).catch(async (error) => {
    if (!isLeaseLost(error)) await sweptBefore?.();
    throw error;
  });
}

/** Populates and licenses the groups, each recorded as soon as it exists. */
async function populate(
  deps: JobDependencies,
  assign: AssignState,
  /** The plan's groups with their members, as approved. */
  withMembers: readonly PlannedGroup[],
  /** The reads of the sweep before the groups, when this run takes it. */
  sweptBefore?: () => Promise<ReadonlyMap<string, UserRead>>
) {
  const assignedSince = new Date(deps.now().getTime() - 60_000);
  const known: Record<string, string> = { ...(assign.groupIds ?? {}) };
  const report = await populateAndAssign(
    { groups: withMembers, newSeats: {}, warnings: [] },
    deps.groupWriter,
    {
      knownGroupIds: known,
      groupKey: assign.approvalId,
      replication: deps.readBack,
      // The plan may be days old and the old script still runs: leavers are read again and left out.
      // From the sweep before the groups, else the tenant's pages when most of it is read (one sweep
      // serving every group).
      readUsers: populationReads(deps, withMembers, sweptBefore),
      onGroupReady: async (name, id) => {
        if (known[name] === id) return;
        known[name] = id;
        await updateRecord(deps.store, (record) => ({
          record: assignGroupsKnown(record, assign.approvalId, known),
          result: undefined,
        }));
      },
    }
  );
  return { report, known, assignedSince };
}

/** Waits for Entra to process every group the step licensed. */
async function awaitProcessing(deps: JobDependencies, { report, known, assignedSince }: Filled) {
  const names = new Map(Object.entries(known).map(([name, id]) => [id, name]));
  const wait = await waitForProcessing(Object.values(known), deps.groupWriter, {
    ...deps.processing,
    lastWriteAt: report.lastWriteAt,
    lagBoundMs: readBackOf(deps.readBack).lagBoundMs,
    assignedSince,
    assigned: report.groups.filter((g) => g.licenseAssigned).map((g) => g.groupId ?? ''),
    onChange: (groupId, state) =>
      deps.notifier.notify({
        kind: 'group-processing',
        groupName: names.get(groupId) ?? groupId,
        state: state ?? 'unknown',
      }),
  });
  const pending = wait.pending.map((id) => ({
    name: names.get(id) ?? id,
    waitingFor: wait.waitingFor[id] ?? 'its license processing to complete',
  }));
  return { report, wait, pending, groupIds: { ...known } };
}

async function tellAssignFinished(deps: JobDependencies, outcome: AssignOutcome): Promise<void> {
  const { report, wait, pending } = outcome;
  const { record } = await deps.store.read();
  // The "groups assigned" point counted in the verify's pass: the same users at the same moment, read
  // once, and not beside the first wave (read while a wave removes, it would describe a tenant
  // mid-removal under "the groups are assigned").
  const counting = countAlongside(deps.reader);
  const verified = await verifyDirectRemovals(
    counting.reader,
    intendedGroupsOf(record),
    dynamicLicensingGroups(record.assign)
  );
  await recordStockPoint(deps, 'groups assigned', counting.counted());
  await deps.notifier.notify({
    kind: 'assign-finished',
    groups: report.groups.map((g) => ({
      name: g.displayName,
      membersAdded: g.membersAdded,
      created: g.created,
    })),
    failures: report.failures.length,
    leftOut: leftOutSentence(report.leftOut),
    processingComplete: wait.complete,
    processingPending: pending,
    processingConfirmedBy: wait.confirmedBy,
    verify: verified.summary,
  });
  const errors = await listLicenseErrors(deps.reader);
  if (errors.length > 0) await deps.notifier.notify({ kind: 'license-errors', rows: errors });
}
