import { readFileSync } from 'node:fs';
import { DEVELOPMENT_TOKEN, TenantSimulator } from '../../src/simulator/simulator-server';
import { LOOPBACK_CERTIFICATE_PATH } from '../../src/simulator/loopback-certificate';
import {
  DEMO_PEOPLE,
  DEMO_TENANT_ID,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import type { TenantFixture } from '../../src/simulator/tenant-fixture';
import { Agent } from 'undici';
import { expectGraphShape, graphValidator } from '../support/graph-schema';
import { EMS, OFFICE_E3 as E3, TEAMS } from '../fixtures/skus';

const trust = new Agent({ connect: { ca: readFileSync(LOOPBACK_CERTIFICATE_PATH) } });

describe('the tenant simulator serves Graph v1.0 reads', () => {
  let simulator: TenantSimulator;
  let base: string;

  const get = async (path: string, token: string | null = DEVELOPMENT_TOKEN) => {
    const response = await fetch(`${base}${path}`, {
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        consistencylevel: 'eventual',
      },
      dispatcher: trust,
    } as RequestInit);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    simulator = new TenantSimulator({ tenant: buildDemoTenant() });
    base = await simulator.start();
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('listens on loopback over TLS', () => {
    expect(base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('requires a bearer token on every request, answering 401 InvalidAuthenticationToken', async () => {
    const missing = await get('/v1.0/users', null);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
    });
    expectGraphShape(missing.body, 'graphErrorResponse');
    expect((await get('/v1.0/users', 'some-other-token')).status).toBe(401);
  });

  it('lists subscribed SKUs with seats consumed by distinct users', async () => {
    const { status, body } = await get('/v1.0/subscribedSkus');
    expect(status).toBe(200);
    expectGraphShape(body, 'microsoft.graph.subscribedSkuCollectionResponse');
    const skus = body.value as {
      skuId: string;
      consumedUnits: number;
      prepaidUnits: { enabled: number };
    }[];
    expect(skus.map((s) => [s.skuId, s.consumedUnits, s.prepaidUnits.enabled])).toEqual([
      [EMS, 1000, 1100],
      [E3, 200, 250],
    ]);
  });

  it('returns the organization', async () => {
    const { body } = await get('/v1.0/organization');
    expectGraphShape(body, 'microsoft.graph.organizationCollectionResponse');
    expect((body.value as { id: string }[])[0].id).toBe(DEMO_TENANT_ID);
  });

  it('pages users by $top with an absolute @odata.nextLink, every page valid', async () => {
    let next: string | undefined =
      `/v1.0/users?$select=id,assignedLicenses,licenseAssignmentStates&$top=300`;
    const ids = new Set<string>();
    let pages = 0;
    while (next) {
      const { status, body } = await get(next.replace(base, ''));
      expect(status).toBe(200);
      expectGraphShape(body, 'microsoft.graph.userCollectionResponse');
      (body.value as { id: string }[]).forEach((u) => ids.add(u.id));
      next = body['@odata.nextLink'] as string | undefined;
      if (next) expect(next.startsWith(`${base}/v1.0/users?`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(4);
    expect(ids.size).toBe(1000);
  });

  it('returns only the selected properties, and the default set without $select', async () => {
    const selected = await get(`/v1.0/users/${DEMO_PEOPLE.admin.id}?$select=id,usageLocation`);
    expect(Object.keys(selected.body).filter((k) => !k.startsWith('@'))).toEqual([
      'id',
      'usageLocation',
    ]);
    const plain = await get(`/v1.0/users/${DEMO_PEOPLE.admin.id}`);
    expect(plain.body).toHaveProperty('userPrincipalName', 'AdeleV@contoso.example');
    // licenseAssignmentStates is returned only on $select, as on real Graph.
    expect(plain.body).not.toHaveProperty('licenseAssignmentStates');
    expectGraphShape(plain.body, 'microsoft.graph.user');
  });

  it('finds a user by userPrincipalName as well as by id', async () => {
    const { status, body } = await get('/v1.0/users/AdeleV@contoso.example?$select=id');
    expect(status).toBe(200);
    expect(body.id).toBe(DEMO_PEOPLE.admin.id);
  });

  it.each([
    ['/v1.0/users?$top=1000', 400, 'BadRequest', /Invalid page size specified: '1000'/],
    [
      '/v1.0/users?$select=id,favouriteColour',
      400,
      'BadRequest',
      /Could not find a property named 'favouriteColour'/,
    ],
    [
      '/v1.0/users/00000000-0000-4000-8000-000000000000',
      404,
      'Request_ResourceNotFound',
      /does not exist/,
    ],
    [
      '/v1.0/users?$filter=startswith(displayName,%27A%27)',
      400,
      'Request_UnsupportedQuery',
      /Unsupported/,
    ],
    ['/v1.0/nothingHere', 400, 'BadRequest', /Resource not found for the segment 'nothingHere'/],
  ])("answers %s with %d %s in Graph's error envelope", async (path, status, code, message) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expectGraphShape(response.body, 'graphErrorResponse');
    const error = (response.body as { error: { code: string; message: string } }).error;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it.each([
    // 200 in Finance hold E3; 3 of them have a wrong department (demo-tenant.ts).
    [`department eq 'Finance'`, 197],
    [`assignedLicenses/any(x:x/skuId eq ${E3})`, 200],
    [`id in ('${DEMO_PEOPLE.admin.id}','${DEMO_PEOPLE.approver1.id}')`, 2],
  ])('filters users by %s', async (filter, expected) => {
    const { body } = await get(
      `/v1.0/users?$count=true&$top=999&$select=id&$filter=${encodeURIComponent(filter)}`
    );
    expect(body['@odata.count']).toBe(expected);
  });
});

describe('license views derived from per-source assignments', () => {
  const SPLIT: TenantFixture = {
    organization: {
      id: DEMO_TENANT_ID,
      displayName: 'Contoso',
      countryLetterCode: 'US',
      defaultDomain: 'contoso.example',
    },
    subscribedSkus: [
      {
        skuId: E3,
        skuPartNumber: 'ENTERPRISEPACK',
        prepaidUnits: 10,
        servicePlans: [{ servicePlanId: TEAMS, servicePlanName: 'TEAMS1' }],
      },
    ],
    users: [
      {
        id: 'u-both',
        userPrincipalName: 'both@contoso.example',
        displayName: 'Both Ways',
        usageLocation: 'US',
        licenses: [{ skuId: E3, disabledPlans: [TEAMS] }],
      },
      {
        id: 'u-group',
        userPrincipalName: 'group@contoso.example',
        displayName: 'Group Only',
        usageLocation: 'US',
      },
    ],
    groups: [
      {
        id: 'g-e3',
        displayName: 'E3 users',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: ['u-both', 'u-group'],
        licenses: [{ skuId: E3, disabledPlans: [] }],
      },
    ],
  };

  it('keeps one row per source, merges assignedLicenses to one entry per SKU, and counts one seat per user', async () => {
    const simulator = new TenantSimulator({ tenant: SPLIT });
    const base = await simulator.start();
    try {
      const headers = { authorization: `Bearer ${DEVELOPMENT_TOKEN}` };
      const user = (await (
        await fetch(
          `${base}/v1.0/users/u-both?$select=id,assignedLicenses,licenseAssignmentStates`,
          { headers, dispatcher: trust } as RequestInit
        )
      ).json()) as {
        assignedLicenses: unknown[];
        licenseAssignmentStates: { assignedByGroup: string | null }[];
      };
      expect(graphValidator('microsoft.graph.user')(user)).toBe(true);
      expect(user.licenseAssignmentStates.map((r) => r.assignedByGroup)).toEqual([null, 'g-e3']);
      // Enabled plans are a union: Teams is disabled directly but enabled by the group, so nothing is disabled.
      expect(user.assignedLicenses).toEqual([{ skuId: E3, disabledPlans: [] }]);
      const skus = (await (
        await fetch(`${base}/v1.0/subscribedSkus`, { headers, dispatcher: trust } as RequestInit)
      ).json()) as {
        value: { consumedUnits: number }[];
      };
      expect(skus.value[0].consumedUnits).toBe(2);
    } finally {
      await simulator.stop();
    }
  });
});
