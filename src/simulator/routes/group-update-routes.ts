import type { DirectoryGroup } from '../directory-model';
import { checkedMembershipRule, checkedProcessingState } from '../dynamic-group-properties';
import { isDynamicGroup } from '../dynamic-group-members';
import { GraphError, unsupportedProperty } from '../graph-error';
import { bodyObject } from '../request-body';
import { bindMembers, checkedMembersToBind } from './member-bind';
import { Reply, route, SEGMENT, type Route, type SimulatorState } from './route';

const invalid = (property: string) =>
  new GraphError(
    400,
    'Request_BadRequest',
    `Invalid value specified for property '${property}' of resource 'Group'.`
  );

/**
 * PATCH /groups/{id}: name and description, dynamic membership: the rule, its processing state (On /
 * Paused), and groupTypes (static ↔ dynamic), and up to 20 members at once (`members@odata.bind`,
 * member-bind.ts). 204 as Graph answers (group-update). A change that makes Entra evaluate the rule (new
 * rule, processing On again, conversion) takes effect after the processing delay; converting a static
 * group to dynamic removes its members at once. Everything is checked before anything changes.
 */
export function groupUpdateRoutes(state: SimulatorState): Route[] {
  const { directory, caller } = state;
  return [
    route('PATCH', `/groups/${SEGMENT}`, (context) => {
      const group = directory.addressedGroup(context.params[0]);
      const { 'members@odata.bind': links, ...body } = bodyObject(context.body);
      if (group.onPremisesSyncEnabled === true) {
        throw new GraphError(
          400,
          'Request_BadRequest',
          'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.'
        );
      }
      const bound = links === undefined ? null : checkedMembersToBind(state, group, links);
      const next = updatedGroup(group, body);
      if (bound) bindMembers(state, group, bound);
      if (bound && Object.keys(body).length === 0) return new Reply(204);
      const wasDynamic = isDynamicGroup(group);
      const reevaluate =
        next.membershipRuleProcessingState === 'On' &&
        (next.membershipRule !== group.membershipRule ||
          group.membershipRuleProcessingState !== 'On');
      Object.assign(group, next);
      directory.audit.record({
        activityDisplayName: 'Update group',
        category: 'GroupManagement',
        operationType: 'Update',
        actor: caller,
        at: directory.now(),
        targets: [{ id: group.id, type: 'Group', displayName: group.displayName }],
      });
      if (!wasDynamic && isDynamicGroup(group))
        state.dynamicMembership?.convertedToDynamic(group.id);
      else if (reevaluate) state.dynamicMembership?.groupChanged(group.id);
      return new Reply(204);
    }),
  ];
}

/** The group's updatable properties after the PATCH body, checked; the group itself is not changed. */
function updatedGroup(
  group: DirectoryGroup,
  body: Readonly<Record<string, unknown>>
): Pick<
  DirectoryGroup,
  'displayName' | 'description' | 'groupTypes' | 'membershipRule' | 'membershipRuleProcessingState'
> {
  const next = {
    displayName: group.displayName,
    description: group.description,
    groupTypes: [...group.groupTypes],
    membershipRule: group.membershipRule,
    membershipRuleProcessingState: group.membershipRuleProcessingState,
  };
  for (const [property, value] of Object.entries(body)) {
    switch (property) {
      case 'displayName':
        if (typeof value !== 'string' || value.trim() === '') throw invalid(property);
        next.displayName = value;
        break;
      case 'description':
        if (value !== null && typeof value !== 'string') throw invalid(property);
        next.description = value;
        break;
      case 'groupTypes':
        if (
          !Array.isArray(value) ||
          !value.every((t) => t === 'Unified' || t === 'DynamicMembership') ||
          value.includes('Unified') !== group.groupTypes.includes('Unified')
        )
          throw invalid(property);
        next.groupTypes = value as string[];
        break;
      case 'membershipRule':
        next.membershipRule = value === null ? null : checkedMembershipRule(value);
        break;
      case 'membershipRuleProcessingState':
        next.membershipRuleProcessingState = checkedProcessingState(value);
        break;
      default:
        throw unsupportedProperty(property, 'Group');
    }
  }
  if (!next.groupTypes.includes('DynamicMembership')) {
    // A static group has no rule (unverified: Graph's answer to a rule on a static group is not documented).
    if ('membershipRule' in body && next.membershipRule !== null) throw invalid('membershipRule');
    return { ...next, membershipRule: null, membershipRuleProcessingState: null };
  }
  if (next.membershipRule === null) {
    throw new GraphError(
      400,
      'Request_BadRequest',
      "Property 'membershipRule' is required for resource 'Group' but is missing."
    );
  }
  return { ...next, membershipRuleProcessingState: next.membershipRuleProcessingState ?? 'On' };
}
