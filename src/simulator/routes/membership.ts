import type { Directory } from '../directory';
import { GraphError } from '../graph-error';
import { arrayProperty, bodyObject } from '../request-body';
import type { RequestContext } from './route';

/** Groups an object belongs to, directly or through nested groups (checkMemberGroups is transitive). */
export function transitiveGroupsOf(directory: Directory, objectId: string): Set<string> {
  const found = new Set<string>();
  let frontier = [objectId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const group of directory.groups.values()) {
      if (!found.has(group.id) && frontier.some((id) => group.members.has(id))) {
        found.add(group.id);
        next.push(group.id);
      }
    }
    frontier = next;
  }
  return found;
}

/** POST …/checkMemberGroups: which of up to 20 groups the object is a member of. */
export function checkMemberGroups(context: RequestContext, directory: Directory, objectId: string) {
  const groupIds = arrayProperty(bodyObject(context.body), 'groupIds', 'checkMemberGroups');
  if (groupIds.length > 20) {
    throw new GraphError(400, 'Request_BadRequest', 'The number of groupIds cannot exceed 20.');
  }
  const memberOf = transitiveGroupsOf(directory, objectId);
  return {
    '@odata.context': `${context.baseUrl}/v1.0/$metadata#Collection(Edm.String)`,
    value: groupIds.filter((id): id is string => typeof id === 'string' && memberOf.has(id)),
  };
}
