import type { DirectoryGroup } from '../directory-model';
import { GraphError, notFound } from '../graph-error';
import { memberChangeRefusal } from '../group-write-rules';
import type { SimulatorState } from './route';

/** Graph takes at most this many links in one request (members and owners together). */
export const MAX_LINK_CHANGES = 20;

const ALREADY_EXIST =
  "One or more added object references already exist for the following modified properties: 'members'.";

/**
 * The members a `PATCH /groups/{id}` with `members@odata.bind` adds, checked as a whole before anything
 * changes: "up to 20 members can be added in a single request … If an error condition exists in the
 * request body, no members are added" (Add members, Example 2,
 * https://learn.microsoft.com/graph/api/group-post-members). Above 20: "A resource cannot contain more
 * than 20 link changes" (microsoftgraph/microsoft-graph-docs#6016; the error code is unverified). A member
 * unknown, or not yet on the replica answering, is 404 naming it; one already a member, 400 as for `$ref`.
 */
export function checkedMembersToBind(
  state: SimulatorState,
  group: DirectoryGroup,
  links: unknown
): string[] {
  const { directory } = state;
  if (!Array.isArray(links) || !links.every((link) => typeof link === 'string'))
    throw invalidLinks();
  if (links.length > MAX_LINK_CHANGES)
    throw new GraphError(
      400,
      'Request_BadRequest',
      `A resource cannot contain more than ${MAX_LINK_CHANGES} link changes`
    );
  const named = links.map(boundId);
  const refusal = state.unchangeableGroups === false ? null : memberChangeRefusal(group, 'add');
  if (refusal) throw refusal;
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const name of named) {
    // Object ids are GUIDs, which Graph matches in any case.
    const id = (
      directory.users.get(name) ??
      directory.users.get(name.toLowerCase()) ??
      directory.groups.get(name) ??
      directory.groups.get(name.toLowerCase())
    )?.id;
    if (id === undefined) throw notFound(name);
    directory.replication?.requireReplicated(id);
    // A link named twice is taken as adding an existing member (unverified: Graph's answer is undocumented).
    if (group.members.has(id) || seen.has(id))
      throw new GraphError(400, 'Request_BadRequest', ALREADY_EXIST);
    seen.add(id);
    ids.push(id);
  }
  return ids;
}

/** Adds checked members: each audited and, in a licensed group, queued for processing, as a `$ref` add. */
export function bindMembers(state: SimulatorState, group: DirectoryGroup, ids: readonly string[]) {
  const { directory, processor, caller } = state;
  for (const id of ids) {
    group.members.add(id);
    const user = directory.users.get(id);
    directory.audit.record({
      activityDisplayName: 'Add member to group',
      category: 'GroupManagement',
      operationType: 'Add',
      actor: caller,
      at: directory.now(),
      targets: [
        {
          id,
          type: user ? 'User' : 'Group',
          userPrincipalName: user?.userPrincipalName ?? null,
        },
        { id: group.id, type: 'Group', displayName: group.displayName },
      ],
    });
    if (group.licenses.size > 0) processor.schedule(group.id, id);
  }
}

/** The object id a bind link names, e.g. https://graph.microsoft.com/v1.0/directoryObjects/{id}. */
function boundId(link: string): string {
  const match = /^https:\/\/[^/]+\/v1\.0\/(?:directoryObjects|users|groups)\/([^/?]+)$/i.exec(link);
  if (!match) throw invalidLinks();
  return decodeURIComponent(match[1]);
}

// Wording unverified: Graph's answer to a malformed bind link is not documented.
const invalidLinks = () =>
  new GraphError(
    400,
    'Request_BadRequest',
    "Invalid URL format specified in @odata.bind for the 'members' reference."
  );
