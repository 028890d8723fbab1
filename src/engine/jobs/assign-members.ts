import { assignStopped } from '../../domain/assign-lifecycle';
import type { PlannedGroup } from '../../domain/group-plan';
import type { AssignState } from '../../domain/migration-record';
import { plannedGroupsOf } from '../plan-members';
import { PlanMembersError } from '../ports/plan-members';
import { updateRecord } from '../update-record';
import type { JobDependencies } from './job-dependencies';

/**
 * The assignment's groups with their members, read (and checked against their digest) before anything
 * starts. Members that are missing or not what was approved stop the assignment, saying why, with nothing
 * written to the tenant; null then.
 */
export async function plannedGroupsOrStop(
  deps: Pick<JobDependencies, 'planMembers' | 'store' | 'notifier' | 'log'>,
  assign: AssignState
): Promise<PlannedGroup[] | null> {
  try {
    return await plannedGroupsOf(deps.planMembers, assign);
  } catch (error) {
    if (!(error instanceof PlanMembersError)) throw error;
    deps.log(error.message);
    await updateRecord(deps.store, (record) => ({
      record: assignStopped(record, assign.approvalId, error.message),
      result: undefined,
    }));
    await deps.notifier.notify({ kind: 'problem', text: error.message });
    return null;
  }
}
