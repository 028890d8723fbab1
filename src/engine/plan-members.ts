import type { PlannedGroup } from '../domain/group-plan';
import { planDigest, type AssignState, type MigrationRecord } from '../domain/migration-record';
import {
  inlineMembersOf,
  membersOf,
  storedGroupOf,
  withMembers,
  type StoredPlannedGroup,
} from '../domain/stored-plan';
import { PlanMembersError, type PlanMembersStore } from './ports/plan-members';

/**
 * Stores the groups' members (before the record naming them is written) and returns what the record keeps:
 * the groups without ids, and the digest that names their blob.
 */
export async function savePlanMembers(
  store: PlanMembersStore,
  groups: readonly PlannedGroup[]
): Promise<{ groups: StoredPlannedGroup[]; membersDigest: string }> {
  const membersDigest = planDigest(groups);
  await store.save(membersDigest, membersOf(groups));
  return { groups: groups.map(storedGroupOf), membersDigest };
}

/**
 * The assignment's groups with their members, exactly as approved: inline in a record written before
 * blobs, else from their blob, checked against its digest so that no other members are ever added under
 * the approval. Throws PlanMembersError, saying what to do, when they are missing or changed.
 */
export async function plannedGroupsOf(
  store: PlanMembersStore,
  assign: Pick<AssignState, 'groups' | 'membersDigest'>
): Promise<PlannedGroup[]> {
  const inline = inlineMembersOf(assign.groups);
  if (inline) return inline;
  const digest = assign.membersDigest;
  if (!digest) throw new PlanMembersError(`${STOPPED} The record names no stored members.${AGAIN}`);
  const groups = withMembers(assign.groups, await store.read(digest).catch(stopped));
  if (!groups || planDigest(groups) !== digest)
    throw new PlanMembersError(
      `${STOPPED} Its stored members do not match its digest ${digest.slice(0, 12)} (the blob was changed).${AGAIN}`
    );
  return groups;
}

const STOPPED = 'The group assignment stopped before changing anything:';
const AGAIN =
  ' Nobody was added and no group was licensed; ask for the assignment again with `assign`.';

function stopped(error: unknown): never {
  if (error instanceof PlanMembersError)
    throw new PlanMembersError(`${STOPPED} ${error.message}${AGAIN}`);
  throw error;
}

/**
 * A record about to be written, its plan's inline ids (a record written before blobs) stored in their blob
 * first and left out of it; the same record when there are none.
 */
export async function withInlineMembersMoved(
  record: MigrationRecord,
  store: PlanMembersStore
): Promise<MigrationRecord> {
  const inline = record.assign ? inlineMembersOf(record.assign.groups) : null;
  if (!record.assign || !inline) return record;
  return { ...record, assign: { ...record.assign, ...(await savePlanMembers(store, inline)) } };
}
