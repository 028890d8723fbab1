import { isNotFoundFor } from './read-freshness';

/**
 * Graph adds up to 20 members in one `PATCH /groups/{id}` with `members@odata.bind`, all or none: "If an
 * error condition exists in the request body, no members are added" (Add members, Example 2,
 * https://learn.microsoft.com/graph/api/group-post-members). One write instead of twenty.
 */
export const MEMBERS_PER_BIND = 20;

/** The users in requests of at most `size`, in order. */
export function bindChunks(
  userIds: readonly string[],
  size: number = MEMBERS_PER_BIND
): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < userIds.length; start += size)
    chunks.push(userIds.slice(start, start + size));
  return chunks;
}

/** What a refused request leaves: chunks to send again, and users settled as failed. */
export interface AfterRefusedBind {
  readonly retry: readonly string[][];
  readonly failures: ReadonlyMap<string, Error>;
}

/** Graph's answer when a member to add is one already ("…references already exist…"). */
export const isAlreadyMember = (error: Error): boolean => /already exist/i.test(error.message);

/**
 * What to do after Graph refused the request adding `chunk` to the group. A refusal caused by one member
 * (already in the group, or not found: not yet replicated, or gone) says nothing of the others: a 404
 * names its object, which is taken out and the rest sent again; "already exist" names nobody, so the
 * chunk is halved until the member at fault is alone. A lone member already in the group is what was
 * wanted. Any other refusal (the group not found, refused for the group, throttled past the retries, a
 * server error) is every member's answer, as it would have been for each of them alone.
 */
export function afterRefusedBind(
  chunk: readonly string[],
  error: Error,
  groupId: string
): AfterRefusedBind {
  const everyone = () => ({ retry: [], failures: new Map(chunk.map((id) => [id, error])) });
  if (isNotFoundFor(error, groupId)) return everyone();
  const named = chunk.find((id) => isNotFoundFor(error, id));
  if (named !== undefined) {
    const rest = chunk.filter((id) => id !== named);
    return { retry: rest.length > 0 ? [rest] : [], failures: new Map([[named, error]]) };
  }
  if (!isAlreadyMember(error)) return everyone();
  if (chunk.length === 1) return { retry: [], failures: new Map() };
  const half = Math.ceil(chunk.length / 2);
  return { retry: [chunk.slice(0, half), chunk.slice(half)], failures: new Map() };
}
