import type { Activity } from 'botbuilder';
import type { Person } from '../domain/approvals';

/**
 * Who sent an activity, by Entra object id as Teams stamps it on `from`. Only identity: what they may do
 * is asked of the directory afterwards. Null when Teams gave no object id (then nothing is allowed).
 */
export function personOf(activity: Partial<Activity>): Person | null {
  const id = activity.from?.aadObjectId;
  if (!id) return null;
  return { id, name: activity.from?.name ?? id };
}
