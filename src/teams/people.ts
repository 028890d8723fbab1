import type { Activity } from 'botbuilder';
import type { Person } from '../domain/approvals';

/** An Entra object id, as Teams stamps it on `from.aadObjectId`. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Entra allows display names up to 256 characters; anything longer did not come from Entra. */
const NAME_MAX_LENGTH = 256;

/**
 * Who sent an activity, by Entra object id as Teams stamps it on `from`. Only identity: what they may do
 * is asked of the directory afterwards. Null when Teams gave no object id (then nothing is allowed).
 */
export function personOf(activity: Partial<Activity>): Person | null {
  const id: unknown = activity.from?.aadObjectId;
  if (typeof id !== 'string' || !OBJECT_ID.test(id)) return null;
  const name: unknown = activity.from?.name;
  return {
    id,
    name: typeof name === 'string' && name.trim() !== '' ? name.slice(0, NAME_MAX_LENGTH) : id,
  };
}
