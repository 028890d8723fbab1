import { randomUUID } from 'node:crypto';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_PEOPLE,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import { BOT_PERMISSIONS, permissionRuleFor } from '../../src/simulator/graph-permissions';
import { graphCall } from '../support/graph-http';

const DENIED = {
  code: 'Authorization_RequestDenied',
  message: 'Insufficient privileges to complete the operation.',
};

describe('the simulator answers a token without the permission a route needs as Graph does', () => {
  let simulator: TenantSimulator;
  let base: string;

  beforeAll(async () => {
    simulator = new TenantSimulator({ tenant: buildDemoTenant(), throttling: false });
    base = await simulator.start();
  });
  afterAll(() => simulator.stop());
  beforeEach(() => {
    simulator.grantedPermissions = new Set(BOT_PERMISSIONS);
    simulator.premiumTenant = true;
  });

  const without = (...revoked: string[]) => {
    simulator.grantedPermissions = new Set(BOT_PERMISSIONS.filter((p) => !revoked.includes(p)));
  };
  /** The bot's permissions less every one that would meet the route's first requirement. */
  const withoutRoute = (method: string, path: string) => {
    const needed =
      permissionRuleFor(method, new URL(path, 'https://x').pathname)?.requires[0] ?? [];
    simulator.grantedPermissions = new Set(BOT_PERMISSIONS.filter((p) => !needed.includes(p)));
  };
  const only = (...granted: string[]) => {
    simulator.grantedPermissions = new Set(granted);
  };
  const admin = DEMO_PEOPLE.admin.id;

  // One row per route class: the request, what it needs at least, and a higher permission that also works.
  const cases: [string, string, string, unknown, string, string][] = [
    [
      'subscribed SKUs',
      'GET',
      '/v1.0/subscribedSkus?$top=1',
      undefined,
      'LicenseAssignment.Read.All',
      'Organization.Read.All',
    ],
    [
      'users',
      'GET',
      '/v1.0/users?$top=1&$select=id',
      undefined,
      'User.Read.All',
      'User.ReadWrite.All',
    ],
    [
      'one user',
      'GET',
      `/v1.0/users/${admin}?$select=id`,
      undefined,
      'User.Read.All',
      'Directory.Read.All',
    ],
    [
      'groups',
      'GET',
      '/v1.0/groups?$top=1&$select=id',
      undefined,
      'GroupMember.Read.All',
      'Group.Read.All',
    ],
    [
      'group members',
      'GET',
      `/v1.0/groups/${DEMO_ADMIN_GROUP_ID}/members?$select=id`,
      undefined,
      'GroupMember.Read.All',
      'GroupMember.ReadWrite.All',
    ],
    [
      'organization',
      'GET',
      '/v1.0/organization',
      undefined,
      'Organization.Read.All',
      'Directory.Read.All',
    ],
    [
      'group creation',
      'POST',
      '/v1.0/groups',
      { displayName: 'x', mailNickname: 'x', mailEnabled: false, securityEnabled: true },
      'Group.Create',
      'Group.ReadWrite.All',
    ],
    [
      'member adds',
      'POST',
      `/v1.0/groups/${DEMO_ADMIN_GROUP_ID}/members/$ref`,
      { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${randomUUID()}` },
      'GroupMember.ReadWrite.All',
      'Group.ReadWrite.All',
    ],
    [
      'user licenses',
      'POST',
      `/v1.0/users/${randomUUID()}/assignLicense`,
      { addLicenses: [], removeLicenses: [] },
      'LicenseAssignment.ReadWrite.All',
      'User.ReadWrite.All',
    ],
    [
      'group licenses',
      'POST',
      `/v1.0/groups/${randomUUID()}/assignLicense`,
      { addLicenses: [], removeLicenses: [] },
      'LicenseAssignment.ReadWrite.All',
      'Group.ReadWrite.All',
    ],
    [
      'reprocessing',
      'POST',
      `/v1.0/users/${randomUUID()}/reprocessLicenseAssignment`,
      {},
      'User.ReadWrite.All',
      'Directory.ReadWrite.All',
    ],
  ];

  it.each(cases)(
    '%s (%s %s): 403 Authorization_RequestDenied without its permission, served with a higher one',
    async (_name, method, path, body, least, higher) => {
      withoutRoute(method, path);
      expect(simulator.grantedPermissions.has(least)).toBe(false);
      const refused = await graphCall(base, method, path, body);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject(DENIED);
      expect(refused.body.error.innerError['request-id']).toEqual(expect.any(String));
      // Granted through a higher permission, the same request reaches the route (403 no longer).
      only(higher);
      const served = await graphCall(base, method, path, body);
      expect(served.status).not.toBe(403);
    }
  );

  it('refuses before it looks the object up: a missing permission is 403 even for an id that does not exist', async () => {
    const nobody = randomUUID();
    withoutRoute('POST', `/v1.0/users/${nobody}/assignLicense`);
    const refused = await graphCall(base, 'POST', `/v1.0/users/${nobody}/assignLicense`, {
      addLicenses: [],
      removeLicenses: [],
    });
    expect(refused.status).toBe(403);
    simulator.grantedPermissions = new Set(BOT_PERMISSIONS);
    const missing = await graphCall(base, 'POST', `/v1.0/users/${nobody}/assignLicense`, {
      addLicenses: [],
      removeLicenses: [],
    });
    expect(missing.status).toBe(404);
  });

  it('checkMemberGroups needs to read users and group memberships both', async () => {
    const path = `/v1.0/users/${admin}/checkMemberGroups`;
    const body = { groupIds: [DEMO_ADMIN_GROUP_ID] };
    only('GroupMember.Read.All');
    expect((await graphCall(base, 'POST', path, body)).status).toBe(403);
    only('User.Read.All');
    expect((await graphCall(base, 'POST', path, body)).status).toBe(403);
    only('User.Read.All', 'GroupMember.Read.All');
    expect((await graphCall(base, 'POST', path, body)).body.value).toEqual([DEMO_ADMIN_GROUP_ID]);
  });

  it('checks each request inside a $batch on its own', async () => {
    only('GroupMember.Read.All');
    const answer = await graphCall(base, 'POST', '/v1.0/$batch', {
      requests: [
        { id: '1', method: 'GET', url: '/users?$top=1&$select=id' },
        { id: '2', method: 'GET', url: '/groups?$top=1&$select=id' },
      ],
    });
    expect(answer.status).toBe(200);
    const byId = Object.fromEntries(
      (answer.body.responses as { id: string; status: number }[]).map((r) => [r.id, r.status])
    );
    expect(byId).toEqual({ '1': 403, '2': 200 });
  });

  describe('the audit log tells a missing permission from a tenant without Entra ID P1/P2', () => {
    const audit = '/v1.0/auditLogs/directoryAudits?$top=1';

    it('without AuditLog.Read.All: the reporting service names the permission', async () => {
      without('AuditLog.Read.All');
      const answer = await graphCall(base, 'GET', audit);
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('Authentication_MSGraphPermissionMissing');
      expect(answer.body.error.message).toContain('AuditLog.Read.All');
    });

    it('without Directory.Read.All: the premium-license check cannot read the directory', async () => {
      without('Directory.Read.All');
      const answer = await graphCall(base, 'GET', audit);
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('Authentication_ApplicationHasNoDirectoryReadAccess');
    });

    it('on a tenant without P1/P2, with every permission: the premium-license error', async () => {
      simulator.premiumTenant = false;
      const answer = await graphCall(base, 'GET', audit);
      expect(answer.status).toBe(403);
      expect(answer.body.error).toMatchObject({
        code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
        message: "Neither tenant is B2C or tenant doesn't have premium license",
      });
    });

    it('with both permissions on a P1/P2 tenant: served', async () => {
      expect((await graphCall(base, 'GET', audit)).status).toBe(200);
    });
  });

  it("grants every permission the bot's README asks for unless told otherwise", async () => {
    const fresh = new TenantSimulator({ tenant: buildDemoTenant() });
    expect([...fresh.grantedPermissions].sort()).toEqual([...BOT_PERMISSIONS].sort());
    expect(fresh.premiumTenant).toBe(true);
  });
});
