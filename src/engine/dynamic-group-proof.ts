import { dynamicGroupName } from '../domain/dynamic-choice';
import type { PlannedGroup } from '../domain/group-plan';
import { newApproval, withApproval, type AssignState } from '../domain/migration-record';
import { productName } from '../domain/product-names';
import {
  compareShadowGroup,
  proofDigest,
  proofSummary,
  type ProvenGroup,
} from '../domain/shadow-proof';
import { waitForDynamicMembers, type MembershipWaitOptions } from './dynamic-membership-wait';
import { isNotFoundFor, type GroupWriter } from './ports/group-writer';
import type { MigrationStore } from './ports/migration-store';
import { updateRecord } from './update-record';
import { savePlanMembers } from './plan-members';
import type { PlanMembersStore } from './ports/plan-members';
import type { Notifier } from './ports/notifier';
import {
  addMembersOnceReplicated,
  findOrCreateGroup,
  licensingGroupNickname,
} from './populate-and-assign';
import { readBackOf, type ReadBackOptions } from './read-until-fresh';
import { exceptionsPlan, groupsAsProven } from '../domain/proven-groups';

export type { MembershipWaitOptions };

/**
 * After the assignment's sign-off, each chosen dynamic group is first created without any license (its
 * shadow), with a static exceptions group of the holders its rule misses, also unlicensed. Entra computes
 * the members; they are compared with the holders the rule was meant to match; a second sign-off with
 * Entra's numbers releases the licensing (the ordinary assignment path, every write through the pacer).
 */

export interface ShadowProofDependencies {
  readonly groupWriter: GroupWriter;
  readonly store: MigrationStore;
  /** Where the groups as proven keep their members (the exceptions groups' change). */
  readonly planMembers: PlanMembersStore;
  readonly notifier: Notifier;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly approvalTtlMs: number;
  readonly readBack?: ReadBackOptions;
  readonly membershipWait?: MembershipWaitOptions;
  /** Whether this instance still runs approved work (several may share one endpoint). */
  readonly lease?: { held(): boolean };
}

const DESCRIPTION = 'Licensing group created by the license migration bot.';

/** Whether the assignment still has dynamic groups to prove (or whose proof waits for its sign-off). */
export const needsProof = (assign: AssignState): boolean =>
  (assign.dynamic?.length ?? 0) > 0 && assign.proof?.status !== 'approved';

/** Creates the shadow groups, waits for Entra, compares, and asks for the second sign-off. */
export async function proveShadowGroups(
  deps: ShadowProofDependencies,
  assign: AssignState,
  /** The assignment's groups with their members (plannedGroupsOf). */
  groups: readonly PlannedGroup[],
  /** The runner is stopping: the proof ends where it is; the groups it made are reused when it resumes. */
  stopping: () => boolean = () => false
): Promise<void> {
  const { groupWriter: writer } = deps;
  const known: Record<string, string> = { ...(assign.groupIds ?? {}) };
  const remember = async (name: string, id: string) => {
    if (known[name] === id) return;
    known[name] = id;
    await updateAssign(deps.store, assign.approvalId, (a) => ({ ...a, groupIds: { ...known } }));
  };
  const wait = { ...deps.membershipWait };
  await announceProof(deps, assign, wait.timeoutMs);
  const proven: ProvenGroup[] = [];
  for (const choice of assign.dynamic ?? []) {
    const name = dynamicGroupName(choice.variantName);
    const planned = groups.find((g) => g.displayName === name && g.membershipRule);
    if (!planned?.membershipRule) continue;
    const groupId =
      known[name] ??
      (await findOrCreateGroup(
        writer,
        name,
        licensingGroupNickname(planned.mailNickname, assign.approvalId),
        DESCRIPTION,
        () => undefined,
        planned.membershipRule
      ));
    await remember(name, groupId);
    const exceptions = exceptionsPlan(groups, planned, choice.misses);
    if (choice.misses.length > 0)
      await remember(exceptions.displayName, await fillExceptions(deps, assign, exceptions, known));
    const members = await waitForDynamicMembers(writer, groupId, {
      ...wait,
      lagBoundMs: readBackOf(deps.readBack).lagBoundMs,
      now: deps.now,
      sleep: deps.readBack?.sleep,
      stopping: () => stopping() || deps.lease?.held() === false,
    });
    if (!members) return;
    const group = compareShadowGroup(choice, name, members.memberIds, members.settled);
    // Entra's view wins: a holder it left out keeps a licensed path through the exceptions group.
    if (group.missing.length > 0) {
      const withMissing = { ...exceptions, userIds: group.exceptions.map((u) => u.id) };
      await remember(
        exceptions.displayName,
        await fillExceptions(deps, assign, withMissing, known)
      );
    }
    proven.push(group);
  }
  await askForLicensing(deps, assign, groupsAsProven(groups, proven), proven);
}

/** Tells the channel what the proof does for each dynamic group, before it starts. */
async function announceProof(
  deps: ShadowProofDependencies,
  assign: AssignState,
  timeoutMs: number | undefined
): Promise<void> {
  await deps.notifier.notify({
    kind: 'dynamic-proof',
    title: 'Proving the dynamic groups',
    lines: (assign.dynamic ?? []).map(
      (c) =>
        `"${dynamicGroupName(c.variantName)}" is created with ${c.ruleText} and no license. I wait for Entra to compute its members (usually minutes to hours), reading them until they stay the same${timeoutMs ? ` for up to ${Math.round(timeoutMs / 60_000)} minutes` : ''}, then compare them with the ${c.expected.length} holders expected.`
    ),
  });
}

/** Creates (once) the unlicensed exceptions group and adds whoever it lacks; returns its id. */
async function fillExceptions(
  deps: ShadowProofDependencies,
  assign: AssignState,
  planned: PlannedGroup,
  known: Readonly<Record<string, string>>
): Promise<string> {
  const writer = deps.groupWriter;
  let justCreated = false;
  const groupId =
    known[planned.displayName] ??
    (await findOrCreateGroup(
      writer,
      planned.displayName,
      licensingGroupNickname(planned.mailNickname, assign.approvalId),
      DESCRIPTION,
      () => (justCreated = true)
    ));
  const members = justCreated
    ? new Set<string>()
    : await writer.memberIds(groupId).catch((error: unknown) => {
        if (isNotFoundFor(error, groupId)) return new Set<string>();
        throw error;
      });
  const lacking = planned.userIds.filter((id) => !members.has(id.toLowerCase()));
  const failures = await addMembersOnceReplicated(writer, groupId, lacking, deps.readBack);
  if (failures.size > 0)
    throw new Error(
      `${failures.size} of the holders the rule misses could not be added to "${planned.displayName}": ${[...failures.values()][0].message}`
    );
  return groupId;
}

/** Records the proof, the exceptions groups as Entra's view makes them, and the second sign-off request. */
async function askForLicensing(
  deps: ShadowProofDependencies,
  assign: AssignState,
  groupsProven: readonly PlannedGroup[],
  proven: readonly ProvenGroup[]
): Promise<void> {
  // The exceptions groups as Entra's view makes them: their members stored before the record names them.
  const stored = await savePlanMembers(deps.planMembers, groupsProven);
  const skuNames = new Map(
    assign.groups.map((g) => [g.displayName, productName(g.skuPartNumber)] as const)
  );
  const digest = proofDigest(proven);
  const request = await updateRecord(deps.store, (record) => {
    const current = record.assign;
    if (current?.approvalId !== assign.approvalId || current.status !== 'running')
      return { record, result: null };
    // Asked in the name of whoever asked for the assignment, so that person cannot approve it either.
    const requester = record.approvals.find((a) => a.id === assign.approvalId)?.requestedBy ?? {
      id: 'license-migration-bot',
      name: 'the license migration bot',
    };
    const asked = newApproval(
      deps.newId(),
      { kind: 'license-proven', digest },
      proofSummary(proven, skuNames),
      requester,
      deps.now(),
      deps.approvalTtlMs
    );
    return {
      record: {
        ...withApproval(record, asked),
        assign: {
          ...current,
          ...stored,
          status: 'awaiting-approval',
          proof: { status: 'awaiting-approval', approvalId: asked.id, digest, groups: proven },
        },
      },
      result: asked,
    };
  });
  if (request) await deps.notifier.notify({ kind: 'approval-requested', request });
}

async function updateAssign(
  store: MigrationStore,
  approvalId: string,
  change: (assign: AssignState) => AssignState
): Promise<void> {
  await updateRecord(store, (record) => ({
    record:
      record.assign?.approvalId === approvalId
        ? { ...record, assign: change(record.assign) }
        : record,
    result: undefined,
  }));
}
