import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { checkTenantFixture } from '../../src/simulator/load-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { generateTenant, parseGeneratorSpec } from '../../src/simulator/scenarios/generated-tenant';
import {
  TRICKY_CASES,
  TRICKY_GROUPS,
  TRICKY_PLANS,
  buildTrickyTenant,
  trickyUserId,
} from '../../src/simulator/scenarios/tricky-tenant';
import { graphCall } from '../support/graph-http';
import { OFFICE_E3 as E3 } from '../fixtures/skus';

describe('the tricky scenario has one user for every hard case', () => {
  let simulator: TenantSimulator;
  let base: string;
  const states = async (trickyCase: (typeof TRICKY_CASES)[number]) =>
    (
      await graphCall(
        base,
        'GET',
        `/v1.0/users/${trickyUserId(trickyCase)}?$select=id,assignedLicenses,licenseAssignmentStates`
      )
    ).body;

  beforeAll(async () => {
    simulator = new TenantSimulator({ tenant: checkTenantFixture(buildTrickyTenant()) });
    base = await simulator.start();
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('names each case by department, one user each', async () => {
    for (const trickyCase of TRICKY_CASES) {
      const filter = encodeURIComponent(`department eq '${trickyCase}'`);
      const page = await graphCall(base, 'GET', `/v1.0/users?$filter=${filter}&$select=id`);
      expect(page.body.value).toEqual([{ id: trickyUserId(trickyCase) }]);
    }
  });

  it('licenses nobody through a nested group', async () => {
    expect(
      (await states('nested-group-only')).licenseAssignmentStates.every(
        (r: { assignedByGroup: string | null }) => r.assignedByGroup === null
      )
    ).toBe(true);
  });

  it('unions enabled plans across two groups with different disabled plans', async () => {
    const user = await states('two-groups-union-of-plans');
    expect(
      user.licenseAssignmentStates.filter((r: { skuId: string }) => r.skuId === E3)
    ).toHaveLength(3);
    expect(user.assignedLicenses).toEqual([{ skuId: E3, disabledPlans: [] }]);
  });

  it('keeps a plan the direct assignment enables and the group disables visible per source', async () => {
    const rows = (await states('direct-enables-plan-group-disables')).licenseAssignmentStates;
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ assignedByGroup: null, disabledPlans: [] }),
        expect.objectContaining({
          assignedByGroup: TRICKY_GROUPS.e3,
          disabledPlans: [TRICKY_PLANS.yammer],
        }),
      ])
    );
  });

  it('shows a group member in CountViolation when the group SKU has no seat left', async () => {
    const errors = await graphCall(
      base,
      'GET',
      `/v1.0/groups/${TRICKY_GROUPS.e5}/membersWithLicenseErrors?$select=id`
    );
    expect(errors.body.value.map((u: { id: string }) => u.id)).toEqual([
      trickyUserId('group-license-in-error-count'),
    ]);
    expect((await states('group-license-in-error-count')).licenseAssignmentStates).toContainEqual(
      expect.objectContaining({
        assignedByGroup: TRICKY_GROUPS.e5,
        state: 'Error',
        error: 'CountViolation',
      })
    );
  });

  it.each([
    ['conflicting-exchange-plans', 'MutuallyExclusiveViolation'],
    ['usage-location-forbids-plan', 'ProhibitedInUsageLocationViolation'],
  ] as const)('puts the group license of %s in error with %s', async (trickyCase, error) => {
    expect((await states(trickyCase)).licenseAssignmentStates).toContainEqual(
      expect.objectContaining({
        skuId: E3,
        assignedByGroup: TRICKY_GROUPS.e3,
        state: 'Error',
        error,
      })
    );
  });

  it('licenses a group member without usage location in the tenant country, which Graph does not write back', async () => {
    expect((await states('no-usage-location')).licenseAssignmentStates).toContainEqual(
      expect.objectContaining({ skuId: E3, assignedByGroup: TRICKY_GROUPS.e3, state: 'Active' })
    );
    const user = await graphCall(
      base,
      'GET',
      `/v1.0/users/${trickyUserId('no-usage-location')}?$select=usageLocation`
    );
    expect(user.body.usageLocation).toBeNull();
  });

  it('licenses a disabled account through its group like any other', async () => {
    expect((await states('disabled-account')).licenseAssignmentStates).toContainEqual(
      expect.objectContaining({ assignedByGroup: TRICKY_GROUPS.e3, state: 'Active' })
    );
  });

  it('refuses E3 for the user whose Exchange plan conflicts, with the mutually exclusive message', async () => {
    const answer = await graphCall(
      base,
      'POST',
      `/v1.0/users/${trickyUserId('conflicting-exchange-plans')}/assignLicense`,
      {
        addLicenses: [{ skuId: E3, disabledPlans: [] }],
        removeLicenses: [],
      }
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('are mutually exclusive');
  });
});

describe('the large-tenant generator', () => {
  it('makes the same valid tenant for the same spec, with a realistic mix', () => {
    const spec = parseGeneratorSpec('users=2000,grouped=20%,seed=3');
    const tenant = checkTenantFixture(generateTenant(spec));
    expect(generateTenant(spec)).toEqual(tenant);
    expect(tenant.users).toHaveLength(2000);
    const withE3 = tenant.users.filter((u) => u.licenses?.some((l) => l.skuId === E3)).length;
    expect(withE3 / 2000).toBeGreaterThan(0.5);
    expect(withE3 / 2000).toBeLessThan(0.7);
    const members = tenant.groups?.[0].members ?? [];
    expect(members.length / withE3).toBeGreaterThan(0.15);
    const disabled = tenant.users.filter((u) => u.accountEnabled === false).length;
    expect(disabled).toBeGreaterThan(10);
    const variants = new Set(
      tenant.users
        .flatMap((u) => u.licenses ?? [])
        .filter((l) => l.skuId === E3)
        .map((l) => l.disabledPlans.join('+'))
    );
    expect(variants.size).toBe(3);
  });

  it.each([
    ['users=0', /users must be a whole number/],
    ['users=10,grouped=150%', /grouped must be a percentage/],
    ['users=10,colour=blue', /Unknown generator setting "colour"/],
    ['grouped=10%', /users must be a whole number/],
  ])('refuses "%s" with a reason', (spec, message) => {
    expect(() => parseGeneratorSpec(spec)).toThrow(message);
  });

  it('applies --faults and --time-scale given on the command line', async () => {
    const child = spawn(process.execPath, [
      join(__dirname, '..', '..', 'lib', 'simulator', 'cli.js'),
      '--tenant',
      'empty',
      '--port',
      '0',
      '--faults',
      '503:100%',
      '--time-scale',
      '60',
    ]);
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect((await graphCall(baseUrl, 'GET', '/v1.0/organization')).status).toBe(503);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it('serves a generated tenant from the command line and prints its base URL', async () => {
    const child = spawn(process.execPath, [
      join(__dirname, '..', '..', 'lib', 'simulator', 'cli.js'),
      '--generate',
      'users=300',
      '--port',
      '0',
    ]);
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const page = await graphCall(
        baseUrl,
        'GET',
        '/v1.0/users?$count=true&$top=1&$select=id',
        undefined,
        undefined,
        { ConsistencyLevel: 'eventual' }
      );
      expect(page.body['@odata.count']).toBe(300);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
