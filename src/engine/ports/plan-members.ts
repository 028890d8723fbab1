import type { PlanMembers } from '../../domain/stored-plan';

/**
 * Where the approved group plan's members live: one blob per plan, named by the digest of the groups with
 * their members (content-addressed, so written once and never changed). Stored before the record that
 * names it, so a record never names members that are not stored.
 */
export interface PlanMembersStore {
  save(digest: string, members: PlanMembers): Promise<void>;
  /** The members stored under `digest`; throws PlanMembersError when there are none. */
  read(digest: string): Promise<PlanMembers>;
}

/** The plan's members are missing or are not what its digest names: nothing of it may be assigned. */
export class PlanMembersError extends Error {}
