import type { DirectoryFailure, UserRead } from '../domain/directory-answers';
import { errorText } from '../error-text';
import type { TenantReader } from './ports/tenant-reader';

/** Users on one page of the tenant's list (the Graph reader's `$top`, Graph's most: 999). */
export const USERS_PER_PAGE = 999;

/**
 * Fresh reads of these users from the tenant's pages (the list the inventory reads, with the same
 * properties as a read of one user), each handed to `visit` as its page comes, once per asked user:
 * the caller keeps only what it needs of each (a tally, the ids to act on), so memory does not grow with
 * the users read. A page comes from a replica exactly as a single read does, so callers judge its
 * freshness as they would a single read's. A user on no page is not found, as a single read answers for
 * a deleted user. A page that cannot be read fails every user not seen yet (it or a later page would
 * have answered for them): failed, transient, as a round trip of single reads that got no answer; one
 * failure is shared by all of them.
 */
export async function visitUsersFromPages(
  reader: TenantReader,
  userIds: readonly string[],
  visit: (userId: string, read: UserRead) => void
): Promise<void> {
  // Only the users not seen yet stay here: the last answer goes to each of them.
  const unseen = new Map(userIds.map((id) => [id.toLowerCase(), id]));
  try {
    await reader.forEachUser((user) => {
      const key = user.id.toLowerCase();
      const id = unseen.get(key);
      if (id === undefined) return;
      unseen.delete(key);
      visit(id, { kind: 'read', user });
    });
  } catch (error) {
    const failed: DirectoryFailure = { kind: 'failed', reason: errorText(error), transient: true };
    for (const id of unseen.values()) visit(id, failed);
    return;
  }
  for (const id of unseen.values())
    visit(id, { kind: 'not-found', reason: `User ${id} is on no page of the tenant's users.` });
}

/** Every asked user's read from the tenant's pages, kept: for few users, or callers that need each. */
export async function readUsersFromPages(
  reader: TenantReader,
  userIds: readonly string[]
): Promise<Map<string, UserRead>> {
  const reads = new Map<string, UserRead>();
  await visitUsersFromPages(reader, userIds, (id, read) => reads.set(id, read));
  return reads;
}
