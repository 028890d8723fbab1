import { randomUUID } from 'node:crypto';
import { collectionResponse, entityResponse } from '../collection-response';
import type { DirectoryGroup } from '../directory-model';
import { GraphError, badRequest, notFound } from '../graph-error';
import { dynamicGroupPropertiesOnCreate } from '../dynamic-group-properties';
import { memberChangeRefusal } from '../group-write-rules';
import {
  GROUP_DEFAULT_PROPERTIES,
  GROUP_PROPERTIES,
  GROUP_TYPE,
  USER_TYPE,
  groupView,
  selectGroupProperties,
  selectUserProperties,
  userView,
} from '../graph-views';
import { parseODataQuery } from '../odata-query';
import { assignLicenseBody, bodyObject, booleanProperty, stringProperty } from '../request-body';
import { checkMemberGroups } from './membership';
import {
  Reply,
  route,
  SEGMENT,
  type RequestContext,
  type Route,
  type SimulatorState,
} from './route';

type GroupPredicate = (group: DirectoryGroup) => boolean;

/**
 * The $filter forms on /groups a migration needs: by name or mail nickname, and groups with members in
 * license error.
 */
function parseGroupFilter(
  filter: string | null,
  hasErrors: (group: DirectoryGroup) => boolean
): GroupPredicate {
  if (filter === null) return () => true;
  const text = filter.trim();
  const equals = /^displayName eq '((?:[^']|'')*)'$/.exec(text);
  if (equals) return (group) => group.displayName === equals[1].replace(/''/g, "'");
  const nickname = /^mailNickname eq '((?:[^']|'')*)'$/.exec(text);
  if (nickname)
    return (group) =>
      group.mailNickname.toLowerCase() === nickname[1].replace(/''/g, "'").toLowerCase();
  const prefix = /^startswith\(displayName,\s*'((?:[^']|'')*)'\)$/.exec(text);
  if (prefix) {
    const start = prefix[1].replace(/''/g, "'").toLowerCase();
    return (group) => group.displayName.toLowerCase().startsWith(start);
  }
  const errors = /^hasMembersWithLicenseErrors eq (true|false)$/.exec(text);
  if (errors) return (group) => hasErrors(group) === (errors[1] === 'true');
  throw new GraphError(
    400,
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified: '${text}'.`
  );
}

/** The object id named by a `$ref` body's @odata.id, e.g. https://graph.microsoft.com/v1.0/directoryObjects/{id}. */
function referencedId(body: unknown): string {
  const reference = bodyObject(body)['@odata.id'];
  const match =
    typeof reference === 'string'
      ? /\/(?:directoryObjects|users|groups)\/([^/?]+)$/i.exec(reference)
      : null;
  if (!match) {
    throw new GraphError(
      400,
      'Request_BadRequest',
      "Invalid URL format specified in @odata.id for the 'members' reference."
    );
  }
  return decodeURIComponent(match[1]);
}

/** Groups: reads, creation, membership, group-based license assignment and its errors. */
export function groupRoutes(state: SimulatorState): Route[] {
  const { directory, processor, caller } = state;
  const refuseMemberChange = (group: DirectoryGroup, change: 'add' | 'remove') => {
    const refusal = state.unchangeableGroups === false ? null : memberChangeRefusal(group, change);
    if (refusal) throw refusal;
  };
  const audit = (
    activityDisplayName: string,
    operationType: 'Add' | 'Assign' | 'Delete',
    group: DirectoryGroup,
    memberId?: string
  ) => {
    const member = memberId ? directory.users.get(memberId) : undefined;
    directory.audit.record({
      activityDisplayName,
      category: 'GroupManagement',
      operationType,
      actor: caller,
      at: directory.now(),
      targets: [
        ...(memberId
          ? [
              {
                id: memberId,
                type: member ? ('User' as const) : ('Group' as const),
                userPrincipalName: member?.userPrincipalName ?? null,
              },
            ]
          : []),
        { id: group.id, type: 'Group' as const, displayName: group.displayName },
      ],
    });
  };
  const select = (context: RequestContext, group: DirectoryGroup) =>
    selectGroupProperties(groupView(group), parseODataQuery(context.url.searchParams).select);
  const hasErrors = (group: DirectoryGroup) => directory.membersWithLicenseErrors(group).length > 0;
  const memberView = (context: RequestContext, id: string) => {
    const select = parseODataQuery(context.url.searchParams).select;
    const user = directory.users.get(id);
    if (user) {
      return [
        {
          '@odata.type': `#${USER_TYPE}`,
          ...selectUserProperties(userView(directory, user), select),
        },
      ];
    }
    const group = directory.groups.get(id);
    if (group) {
      // A nested group answers only the selected properties it has; it licenses nobody (BEHAVIOUR.md §3 rule 2).
      const known = new Set(
        (select ?? GROUP_DEFAULT_PROPERTIES).filter((p) => GROUP_PROPERTIES.has(p))
      );
      return [
        {
          '@odata.type': `#${GROUP_TYPE}`,
          ...selectGroupProperties(groupView(group), [...known]),
        },
      ];
    }
    return [];
  };

  const castUserView = (context: RequestContext, id: string) => {
    const user = directory.users.get(id);
    return user
      ? selectUserProperties(
          userView(directory, user),
          parseODataQuery(context.url.searchParams).select
        )
      : undefined;
  };
  /**
   * membersWithLicenseErrors is a collection of directoryObject: $select may name only directoryObject's
   * properties unless the request casts to microsoft.graph.user (v1.0 CSDL; as the SDKs' URL templates do).
   */
  const refuseUserSelectWithoutCast = (context: RequestContext) => {
    const select = parseODataQuery(context.url.searchParams).select ?? [];
    const userOnly = select.find((name) => name !== 'id' && name !== 'deletedDateTime');
    if (userOnly)
      throw badRequest(
        `Could not find a property named '${userOnly}' on type 'microsoft.graph.directoryObject'.`
      );
  };

  return [
    route('GET', '/groups', (context) => {
      const matches = parseGroupFilter(parseODataQuery(context.url.searchParams).filter, hasErrors);
      const groups = [...directory.groups.values()].filter(matches);
      return collectionResponse(context, 'groups', groups, (group) => select(context, group));
    }),
    route('GET', `/groups/${SEGMENT}`, (context) => {
      const group = directory.addressedGroup(context.params[0]);
      // One object read: its licenses and processing state as the replica answering has them.
      const current = groupView(group);
      const view = directory.replication
        ? { ...current, ...directory.replication.served(group.id, current) }
        : current;
      return entityResponse(
        context,
        'groups',
        selectGroupProperties(view, parseODataQuery(context.url.searchParams).select)
      );
    }),
    route('POST', '/groups', (context) => {
      const body = bodyObject(context.body);
      const displayName = stringProperty(body, 'displayName', 'Group');
      const mailNickname = stringProperty(body, 'mailNickname', 'Group');
      const mailEnabled = booleanProperty(body, 'mailEnabled', 'Group');
      const securityEnabled = booleanProperty(body, 'securityEnabled', 'Group');
      const groupTypes = body.groupTypes ?? [];
      if (
        !Array.isArray(groupTypes) ||
        !groupTypes.every((t) => t === 'Unified' || t === 'DynamicMembership')
      ) {
        throw new GraphError(
          400,
          'Request_BadRequest',
          "Invalid value specified for property 'groupTypes' of resource 'Group'."
        );
      }
      if (mailEnabled && !groupTypes.includes('Unified')) {
        // Graph creates Microsoft 365 groups or security groups; mail-enabled security groups need Exchange.
        throw new GraphError(
          400,
          'Request_BadRequest',
          'Creating mail-enabled security groups is not supported through Microsoft Graph.'
        );
      }
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(mailNickname)) {
        throw new GraphError(
          400,
          'Request_BadRequest',
          "Invalid value specified for property 'mailNickname' of resource 'Group'."
        );
      }
      const dynamic = dynamicGroupPropertiesOnCreate(body, groupTypes as string[]);
      const group: DirectoryGroup = {
        id: randomUUID(),
        displayName,
        description: typeof body.description === 'string' ? body.description : null,
        securityEnabled,
        mailEnabled,
        mailNickname,
        groupTypes: groupTypes as string[],
        ...dynamic,
        onPremisesSyncEnabled: null,
        isAssignableToRole: false,
        createdDateTime: directory.timestamp(),
        members: new Set(),
        licenses: new Map(),
        processingState: null,
        applied: new Map(),
      };
      directory.groups.set(group.id, group);
      directory.replication?.recordCreated(group.id);
      audit('Add group', 'Add', group);
      if (dynamic.membershipRule !== null) state.dynamicMembership?.groupChanged(group.id);
      return new Reply(
        201,
        entityResponse(context, 'groups', selectGroupProperties(groupView(group), null))
      );
    }),
    route('GET', `/groups/${SEGMENT}/members`, (context) => {
      const group = directory.addressedGroup(context.params[0]);
      const members = [...group.members].filter(
        (id) => directory.users.has(id) || directory.groups.has(id)
      );
      return collectionResponse(
        context,
        'directoryObjects',
        members,
        (id) => memberView(context, id)[0]
      );
    }),
    route('POST', `/groups/${SEGMENT}/members/\\$ref`, (context) => {
      const group = directory.addressedGroup(context.params[0]);
      const memberId = referencedId(context.body);
      if (!directory.users.has(memberId) && !directory.groups.has(memberId))
        throw notFound(memberId);
      directory.replication?.requireReplicated(memberId);
      refuseMemberChange(group, 'add');
      if (group.members.has(memberId)) {
        throw new GraphError(
          400,
          'Request_BadRequest',
          "One or more added object references already exist for the following modified properties: 'members'."
        );
      }
      group.members.add(memberId);
      audit('Add member to group', 'Add', group, memberId);
      if (group.licenses.size > 0) processor.schedule(group.id, memberId);
      return new Reply(204);
    }),
    route('DELETE', `/groups/${SEGMENT}/members/${SEGMENT}/\\$ref`, (context) => {
      const group = directory.addressedGroup(context.params[0]);
      const memberId = context.params[1];
      if (!group.members.has(memberId)) throw notFound(memberId);
      refuseMemberChange(group, 'remove');
      group.members.delete(memberId);
      audit('Remove member from group', 'Delete', group, memberId);
      if (group.licenses.size > 0 || group.applied.has(memberId))
        processor.schedule(group.id, memberId);
      return new Reply(204);
    }),
    route('GET', `/groups/${SEGMENT}/members/microsoft\\.graph\\.user`, (context) => {
      // The type cast keeps only users and lets $select name user properties (OData derived-type cast).
      const group = directory.addressedGroup(context.params[0]);
      const users = [...group.members].filter((id) => directory.users.has(id));
      return collectionResponse(context, 'users', users, (id) => castUserView(context, id));
    }),
    route('GET', `/groups/${SEGMENT}/membersWithLicenseErrors`, (context) => {
      const group = directory.addressedGroup(context.params[0]);
      refuseUserSelectWithoutCast(context);
      return collectionResponse(
        context,
        'directoryObjects',
        directory.membersWithLicenseErrors(group),
        (user) => memberView(context, user.id)[0]
      );
    }),
    route(
      'GET',
      `/groups/${SEGMENT}/membersWithLicenseErrors/microsoft\\.graph\\.user`,
      (context) => {
        const group = directory.requireGroup(context.params[0]);
        return collectionResponse(
          context,
          'users',
          directory.membersWithLicenseErrors(group).map((user) => user.id),
          (id) => castUserView(context, id)
        );
      }
    ),
    route('POST', `/groups/${SEGMENT}/assignLicense`, (context) => {
      const group = directory.addressedGroup(context.params[0]);
      const { add, remove } = assignLicenseBody(context.body, 'Group');
      directory.assignGroupLicenses(group, add, remove);
      audit('Set group license', 'Assign', group);
      processor.schedule(group.id);
      return new Reply(
        202,
        {
          id: group.id,
          createdDateTime: group.createdDateTime,
          groupTypes: group.groupTypes,
          securityEnabled: group.securityEnabled,
        },
        {
          location: `${context.baseUrl}/v2/${directory.organization.id}/directoryObjects/${group.id}/Microsoft.DirectoryServices.Group`,
        }
      );
    }),
    route('POST', `/groups/${SEGMENT}/checkMemberGroups`, (context) =>
      checkMemberGroups(context, directory, directory.addressedGroup(context.params[0]).id)
    ),
    route('POST', `/directoryObjects/${SEGMENT}/checkMemberGroups`, (context) => {
      const id = context.params[0];
      if (!directory.users.has(id) && !directory.groups.has(id)) throw notFound(id);
      return checkMemberGroups(context, directory, id);
    }),
    route('POST', `/groups/${SEGMENT}/reprocessLicenseAssignment`, () => {
      // Not in Graph v1.0 (BEHAVIOUR.md §2): group reprocessing is a portal button only.
      throw badRequest("Resource not found for the segment 'reprocessLicenseAssignment'.");
    }),
  ];
}
