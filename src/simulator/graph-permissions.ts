import { GraphError } from './graph-error';

/**
 * Which application permissions each Graph route needs, from the "Permissions" section of its v1.0
 * reference page (least privileged first, then the higher ones that also work). A route lists one or
 * more requirements; each is met by any one of its permissions.
 */
export interface PermissionRule {
  readonly method: string;
  readonly pattern: RegExp;
  /** Every requirement must be met; each by any one of its permissions. */
  readonly requires: readonly (readonly string[])[];
  /** The reference page the requirement comes from. */
  readonly source: string;
}

const DOCS = 'https://learn.microsoft.com/graph/api/';
const ID = '[^/]+';

const USER_READ = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const USER_WRITE = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];
const GROUP_READ = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const MEMBER_WRITE = [
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.ReadWrite.All',
];

const rule = (
  method: string,
  path: string,
  requires: readonly (readonly string[])[],
  page: string
): PermissionRule => ({
  method,
  pattern: new RegExp(`^/v1\\.0${path}/?$`, 'i'),
  requires,
  source: `${DOCS}${page}?view=graph-rest-1.0`,
});

export const PERMISSION_RULES: readonly PermissionRule[] = [
  rule(
    'GET',
    '/organization',
    [
      [
        'Organization.Read.All',
        'Organization.ReadWrite.All',
        'Directory.Read.All',
        'Directory.ReadWrite.All',
      ],
    ],
    'organization-list'
  ),
  rule(
    'GET',
    '/subscribedSkus',
    [
      [
        'LicenseAssignment.Read.All',
        'Organization.Read.All',
        'Organization.ReadWrite.All',
        'Directory.Read.All',
        'Directory.ReadWrite.All',
      ],
    ],
    'subscribedsku-list'
  ),
  rule('GET', '/users', [USER_READ], 'user-list'),
  rule('GET', `/users/${ID}`, [USER_READ], 'user-get'),
  rule('POST', '/users', [USER_WRITE], 'user-post-users'),
  rule('PATCH', `/users/${ID}`, [USER_WRITE], 'user-update'),
  rule('DELETE', `/users/${ID}`, [USER_WRITE], 'user-delete'),
  rule(
    'GET',
    `/users/${ID}/licenseDetails`,
    [['LicenseAssignment.Read.All', ...USER_READ]],
    'user-list-licensedetails'
  ),
  rule(
    'POST',
    `/users/${ID}/assignLicense`,
    [['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All']],
    'user-assignlicense'
  ),
  rule(
    'POST',
    `/users/${ID}/reprocessLicenseAssignment`,
    [USER_WRITE],
    'user-reprocesslicenseassignment'
  ),
  // checkMemberGroups on a user: reading the user and its memberships.
  rule(
    'POST',
    `/users/${ID}/checkMemberGroups`,
    [USER_READ, GROUP_READ],
    'directoryobject-checkmembergroups'
  ),
  rule(
    'POST',
    `/directoryObjects/${ID}/checkMemberGroups`,
    [USER_READ, GROUP_READ],
    'directoryobject-checkmembergroups'
  ),
  rule(
    'POST',
    `/groups/${ID}/checkMemberGroups`,
    [GROUP_READ],
    'directoryobject-checkmembergroups'
  ),
  rule('GET', '/groups', [GROUP_READ], 'group-list'),
  rule('GET', `/groups/${ID}`, [GROUP_READ], 'group-get'),
  rule(
    'POST',
    '/groups',
    [['Group.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All']],
    'group-post-groups'
  ),
  rule(
    'GET',
    `/groups/${ID}/members(/microsoft\\.graph\\.user)?`,
    [GROUP_READ],
    'group-list-members'
  ),
  // No page of its own; Microsoft's PowerShell reference says its scopes are those of the members list.
  rule(
    'GET',
    `/groups/${ID}/membersWithLicenseErrors(/microsoft\\.graph\\.user)?`,
    [GROUP_READ],
    'group-list-members'
  ),
  rule('POST', `/groups/${ID}/members/\\$ref`, [MEMBER_WRITE], 'group-post-members'),
  rule('DELETE', `/groups/${ID}/members/${ID}/\\$ref`, [MEMBER_WRITE], 'group-delete-members'),
  rule(
    'POST',
    `/groups/${ID}/assignLicense`,
    [['LicenseAssignment.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All']],
    'group-assignlicense'
  ),
  // The page lists "AuditLog.Read.All and Directory.Read.All": the second is for the premium-license check.
  rule(
    'GET',
    '/auditLogs/directoryAudits',
    [['AuditLog.Read.All'], ['Directory.Read.All', 'Directory.ReadWrite.All']],
    'directoryaudit-list'
  ),
];

/** What the bot's README asks an admin to grant: the simulator grants these unless told otherwise. */
export const BOT_PERMISSIONS: readonly string[] = [
  'LicenseAssignment.Read.All',
  'User.Read.All',
  'GroupMember.Read.All',
  'Organization.Read.All',
  'Group.Create',
  'GroupMember.ReadWrite.All',
  'LicenseAssignment.ReadWrite.All',
  'User.ReadWrite.All',
  'AuditLog.Read.All',
  'Directory.Read.All',
];

/** Every permission any rule names: what `--permissions` may list. */
export const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set(
  PERMISSION_RULES.flatMap((r) => r.requires.flat())
);

export function permissionRuleFor(method: string, path: string): PermissionRule | undefined {
  return PERMISSION_RULES.find((r) => r.method === method && r.pattern.test(path));
}

/**
 * Refuses a request whose token lacks what its route needs, with Graph's answer: directory APIs say
 * 403 `Authorization_RequestDenied`; the audit log (an identity and access report) answers with the
 * reporting service's own codes, which tell a missing permission from a tenant without Entra ID P1/P2.
 */
export function authorize(
  granted: ReadonlySet<string>,
  premiumTenant: boolean,
  method: string,
  path: string
): void {
  const found = permissionRuleFor(method, path);
  if (!found) return;
  const missing = found.requires.filter((anyOf) => !anyOf.some((p) => granted.has(p)));
  const audit = /^\/v1\.0\/auditLogs\//i.test(path);
  if (audit && missing.includes(found.requires[0]))
    // Observed by many callers (e.g. microsoftgraph/microsoft-graph-docs-contrib#8997, #3196).
    throw new GraphError(
      403,
      'Authentication_MSGraphPermissionMissing',
      'Calling principal does not have required MSGraph permissions AuditLog.Read.All'
    );
  if (audit && missing.length > 0)
    // Without directory read access the service cannot check the tenant's licence (docs#2789, PR #13633).
    throw new GraphError(
      403,
      'Authentication_ApplicationHasNoDirectoryReadAccess',
      'Failed to do premium license check from ADGraph'
    );
  if (audit && !premiumTenant)
    // API access to the audit log needs Entra ID P1 or P2 (Entra "Analyze activity logs with Microsoft Graph").
    throw new GraphError(
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      "Neither tenant is B2C or tenant doesn't have premium license"
    );
  if (missing.length > 0)
    throw new GraphError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.'
    );
}
