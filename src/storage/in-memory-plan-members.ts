import type { PlanMembers } from '../domain/stored-plan';
import { PlanMembersError, type PlanMembersStore } from '../engine/ports/plan-members';
import { membersIn } from './blob-plan-members';

/** Group plans' members in memory, for tests of one process: kept as the JSON a blob would hold. */
export class InMemoryPlanMembers implements PlanMembersStore {
  /** JSON text by digest: a test may change one to play a tampered blob. */
  readonly blobs = new Map<string, string>();
  /** How many reads were asked for (`status` must ask for none). */
  reads = 0;

  async save(digest: string, members: PlanMembers): Promise<void> {
    this.blobs.set(digest, JSON.stringify({ digest, members }));
  }

  async read(digest: string): Promise<PlanMembers> {
    this.reads++;
    const text = this.blobs.get(digest);
    if (text === undefined)
      throw new PlanMembersError(`No group plan members are stored under ${digest.slice(0, 12)}.`);
    return membersIn(text, digest);
  }
}
