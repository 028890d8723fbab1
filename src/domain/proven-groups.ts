import { exceptionsGroupName, type NamedUser } from './dynamic-choice';
import type { PlannedGroup } from './group-plan';
import type { ProvenGroup } from './shadow-proof';

/**
 * The groups an assignment licenses once its dynamic groups are proven: Entra's view wins, so each
 * exceptions group holds the rule's misses and every expected holder Entra left out, and a rule that
 * was expected to miss nobody gets an exceptions group the moment Entra leaves someone out. Pure.
 */

const SAMPLE = 5;

/** The variant's exceptions group as planned, or a new one when the rule was expected to miss nobody. */
export function exceptionsPlan(
  groups: readonly PlannedGroup[],
  dynamic: PlannedGroup,
  users: readonly NamedUser[]
): PlannedGroup {
  const planned = groups.find((g) => g.exceptionsFor === dynamic.displayName);
  if (planned) return planned;
  return {
    ...dynamic,
    // A static group: its members are the users named here, never a rule's.
    membershipRule: undefined,
    displayName: exceptionsGroupName(dynamic.displayName.replace(/ \(dynamic\)$/, '')),
    mailNickname: dynamic.mailNickname.replace(/-dyn$/, '-exc'),
    userIds: users.map((u) => u.id),
    toAdd: users.length,
    sampleUserPrincipalNames: users.slice(0, SAMPLE).map((u) => u.userPrincipalName),
    exceptionsFor: dynamic.displayName,
  };
}

/** The planned groups with each exceptions group as the proof makes it (inserted after its dynamic group). */
export function groupsAsProven(
  groups: readonly PlannedGroup[],
  proven: readonly ProvenGroup[]
): PlannedGroup[] {
  const result = [...groups];
  for (const group of proven) {
    if (group.exceptions.length === 0) continue;
    const dynamic = groups.find((g) => g.displayName === group.displayName);
    if (!dynamic) continue;
    const planned = exceptionsPlan(groups, dynamic, group.exceptions);
    const updated: PlannedGroup = {
      ...planned,
      userIds: group.exceptions.map((u) => u.id),
      toAdd: group.exceptions.length,
      sampleUserPrincipalNames: group.exceptions.slice(0, SAMPLE).map((u) => u.userPrincipalName),
    };
    const at = result.findIndex((g) => g.displayName === planned.displayName);
    if (at >= 0) result[at] = updated;
    else result.splice(result.indexOf(dynamic) + 1, 0, updated);
  }
  return result;
}
