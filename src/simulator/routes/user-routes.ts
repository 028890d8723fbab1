import { randomUUID } from 'node:crypto';
import { collectionResponse, entityResponse } from '../collection-response';
import type { DirectoryUser } from '../directory-model';
import { GROUP_BASED_LICENSING } from '../audit-log';
import { GraphError, unsupportedProperty } from '../graph-error';
import { licenseDetailsViews, selectUserProperties, userView } from '../graph-views';
import { parseODataQuery } from '../odata-query';
import {
  assignLicenseBody,
  bodyObject,
  booleanProperty,
  requiredProperty,
  stringProperty,
} from '../request-body';
import { parseUserFilter } from '../user-filter';
import {
  applyUserAttributeChanges,
  isUserAttributeProperty,
  userAttributes,
} from '../user-attributes';
import { checkMemberGroups } from './membership';
import {
  Reply,
  route,
  SEGMENT,
  type RequestContext,
  type Route,
  type SimulatorState,
} from './route';

const invalidUser = (property: string) =>
  new GraphError(
    400,
    'Request_BadRequest',
    `Invalid value specified for property '${property}' of resource 'User'.`
  );
const COUNTRY = /^[A-Z]{2}$/;

/** Users: reads, creation and updates, direct license assignment, reprocessing, group checks. */
export function userRoutes(state: SimulatorState): Route[] {
  const { directory, caller } = state;
  const audit = (
    activityDisplayName: string,
    operationType: 'Add' | 'Update' | 'Delete',
    user: DirectoryUser
  ) =>
    directory.audit.record({
      activityDisplayName,
      category: 'UserManagement',
      operationType,
      actor: caller,
      at: directory.now(),
      targets: [{ id: user.id, type: 'User', userPrincipalName: user.userPrincipalName }],
    });
  const selected = (context: RequestContext, user: DirectoryUser) =>
    selectUserProperties(
      userView(directory, user),
      parseODataQuery(context.url.searchParams).select
    );
  const defaultView = (user: DirectoryUser) =>
    selectUserProperties(userView(directory, user), null);

  return [
    route('GET', '/users', (context) => {
      const query = parseODataQuery(context.url.searchParams);
      const matches = parseUserFilter(query.filter);
      const users = [...directory.users.values()].filter((user) => matches(user, directory));
      return collectionResponse(context, 'users', users, (user) => selected(context, user));
    }),
    route('GET', `/users/${SEGMENT}`, (context) => {
      const user = directory.addressedUser(context.params[0]);
      // One object read: its license properties as the replica answering has them.
      const view = { ...userView(directory, user), ...directory.servedLicenses(user) };
      return entityResponse(
        context,
        'users',
        selectUserProperties(view, parseODataQuery(context.url.searchParams).select)
      );
    }),
    route('POST', '/users', (context) => {
      const body = bodyObject(context.body);
      const userPrincipalName = stringProperty(body, 'userPrincipalName', 'User');
      const displayName = stringProperty(body, 'displayName', 'User');
      stringProperty(body, 'mailNickname', 'User');
      const accountEnabled = booleanProperty(body, 'accountEnabled', 'User');
      const password = bodyObject(requiredProperty(body, 'passwordProfile', 'User')).password;
      if (typeof password !== 'string' || password.length < 8) throw invalidUser('passwordProfile');
      const domain = userPrincipalName.split('@')[1]?.toLowerCase();
      if (
        !/^[^@\s]+@[^@\s]+$/.test(userPrincipalName) ||
        domain !== directory.organization.defaultDomain.toLowerCase()
      ) {
        throw new GraphError(
          400,
          'Request_BadRequest',
          `The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.`
        );
      }
      if (directory.findUser(userPrincipalName)) {
        throw new GraphError(
          400,
          'Request_BadRequest',
          'Another object with the same value for property userPrincipalName already exists.'
        );
      }
      const usageLocation = body.usageLocation ?? null;
      if (
        usageLocation !== null &&
        (typeof usageLocation !== 'string' || !COUNTRY.test(usageLocation))
      ) {
        throw invalidUser('usageLocation');
      }
      const [givenName, ...rest] = displayName.split(' ');
      const user: DirectoryUser = {
        id: randomUUID(),
        userPrincipalName,
        displayName,
        givenName: typeof body.givenName === 'string' ? body.givenName : (givenName ?? null),
        surname: typeof body.surname === 'string' ? body.surname : rest.join(' ') || null,
        department: typeof body.department === 'string' ? body.department : null,
        jobTitle: typeof body.jobTitle === 'string' ? body.jobTitle : null,
        usageLocation,
        accountEnabled,
        attributes: userAttributes(),
        createdDateTime: directory.timestamp(),
        directLicenses: new Map(),
      };
      applyUserAttributeChanges(user.attributes, body);
      directory.addUser(user);
      audit('Add user', 'Add', user);
      state.dynamicMembership?.userChanged(user.id);
      return new Reply(201, entityResponse(context, 'users', defaultView(user)));
    }),
    route('PATCH', `/users/${SEGMENT}`, (context) => {
      const user = directory.addressedUser(context.params[0]);
      const body = bodyObject(context.body);
      const changes: Partial<DirectoryUser> = {};
      const attributes = structuredClone(user.attributes);
      applyUserAttributeChanges(attributes, body);
      for (const [property, value] of Object.entries(body)) {
        if (isUserAttributeProperty(property)) continue;
        switch (property) {
          case 'usageLocation':
            if (value !== null && (typeof value !== 'string' || !COUNTRY.test(value)))
              throw invalidUser(property);
            changes.usageLocation = value;
            break;
          case 'department':
          case 'jobTitle':
            if (value !== null && typeof value !== 'string') throw invalidUser(property);
            changes[property] = value;
            break;
          case 'displayName':
            if (typeof value !== 'string' || value.trim() === '') throw invalidUser(property);
            changes.displayName = value;
            break;
          case 'accountEnabled':
            if (typeof value !== 'boolean') throw invalidUser(property);
            changes.accountEnabled = value;
            break;
          default:
            throw unsupportedProperty(property, 'User');
        }
      }
      Object.assign(user, changes, { attributes });
      audit('Update user', 'Update', user);
      state.dynamicMembership?.userChanged(user.id);
      return new Reply(204);
    }),
    route('DELETE', `/users/${SEGMENT}`, (context) => {
      const user = directory.addressedUser(context.params[0]);
      directory.deleteUser(user);
      audit('Delete user', 'Delete', user);
      return new Reply(204);
    }),
    route('GET', `/users/${SEGMENT}/licenseDetails`, (context) => {
      const user = directory.addressedUser(context.params[0]);
      return collectionResponse(
        context,
        `users('${user.id}')/licenseDetails`,
        licenseDetailsViews(directory, user)
      );
    }),
    route('POST', `/users/${SEGMENT}/assignLicense`, (context) => {
      const user = directory.addressedUser(context.params[0]);
      const { add, remove } = assignLicenseBody(context.body, 'User');
      const before = directLicenseList(user);
      directory.assignUserLicenses(user, add, remove);
      directory.recordUserLicenseChange(user, caller, before, directLicenseList(user));
      return entityResponse(context, 'users', defaultView(user));
    }),
    route('POST', `/users/${SEGMENT}/reprocessLicenseAssignment`, (context) => {
      const user = directory.addressedUser(context.params[0]);
      for (const change of directory.reprocessUser(user)) {
        directory.recordUserLicenseChange(
          user,
          GROUP_BASED_LICENSING,
          change.before,
          change.after,
          directory.now(),
          change.failure
        );
      }
      return entityResponse(context, 'users', defaultView(user));
    }),
    route('POST', `/users/${SEGMENT}/checkMemberGroups`, (context) => {
      const user = directory.addressedUser(context.params[0]);
      return checkMemberGroups(context, directory, user.id);
    }),
  ];
}

function directLicenseList(user: DirectoryUser) {
  return [...user.directLicenses].map(([skuId, a]) => ({ skuId, disabledPlans: a.disabledPlans }));
}
