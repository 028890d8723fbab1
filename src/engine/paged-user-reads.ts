import type { UserRead } from '../domain/directory-answers';
import { errorText } from '../error-text';
import type { TenantReader } from './ports/tenant-reader';

/** Users on one page of the tenant's list (the Graph reader's `$top`, Graph's most: 999). */
export const USERS_PER_PAGE = 999;

/**
 * Fresh reads of these users from the tenant's pages (the list the inventory reads, with the same
 * properties as a read of one user), keeping only those asked for. A page comes from a replica exactly
 * as a single read does, so callers judge its freshness as they would a single read's. A user on no page
 * is not found, as a single read answers for a deleted user. A page that cannot be read fails every user
 * not seen yet (it or a later page would have answered for them): failed, transient, as a round trip of
 * single reads that got no answer.
 */
export async function readUsersFromPages(
  reader: TenantReader,
  userIds: readonly string[]
): Promise<Map<string, UserRead>> {
  const asked = new Map(userIds.map((id) => [id.toLowerCase(), id]));
  const reads = new Map<string, UserRead>();
  try {
    await reader.forEachUser((user) => {
      const id = asked.get(user.id.toLowerCase());
      if (id !== undefined) reads.set(id, { kind: 'read', user });
    });
  } catch (error) {
    const reason = errorText(error);
    for (const id of asked.values())
      if (!reads.has(id)) reads.set(id, { kind: 'failed', reason, transient: true });
    return reads;
  }
  for (const id of asked.values())
    if (!reads.has(id))
      reads.set(id, {
        kind: 'not-found',
        reason: `User ${id} is on no page of the tenant's users.`,
      });
  return reads;
}
