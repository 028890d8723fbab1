import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TenantFixtureError,
  checkTenantFixture,
  loadTenant,
} from '../../src/simulator/load-tenant';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { EMS, OFFICE_E3 } from '../fixtures/skus';

describe('tenant fixtures and scenarios', () => {
  it('ships a demo scenario that is a valid fixture: 1,000 users, EMS to all, Office 365 E3 to the 200 in Finance', () => {
    const demo = checkTenantFixture(buildDemoTenant());
    expect(demo.users).toHaveLength(1000);
    expect(demo.users.every((u) => u.licenses?.some((l) => l.skuId === EMS))).toBe(true);
    const withE3 = demo.users.filter((u) => u.licenses?.some((l) => l.skuId === OFFICE_E3));
    expect(withE3).toHaveLength(200);
    // As in real directories, a few in Finance have a misspelled, padded or missing department.
    const departments = withE3.map((u) => u.department);
    expect(departments.filter((d) => d === 'Finance')).toHaveLength(197);
    expect(departments.filter((d) => d !== 'Finance').sort()).toEqual([
      'Finanse',
      'finance ',
      null,
    ]);
    expect(demo.users.filter((u) => u.department === 'Finance')).toHaveLength(197);
  });

  it('gives the demo people the attributes dynamic rules read', () => {
    const demo = buildDemoTenant();
    for (const user of demo.users) {
      expect(user).toMatchObject({
        companyName: 'Contoso',
        jobTitle: expect.any(String),
        city: expect.any(String),
        country: expect.any(String),
        employeeId: expect.stringMatching(/^\d+$/),
        usageLocation: expect.stringMatching(/^[A-Z]{2}$/),
      });
    }
    expect(demo.users.filter((u) => u.department === null)).toHaveLength(2);
  });

  it('ships an empty scenario with the demo organization and SKUs and nobody in it', () => {
    const empty = loadTenant('empty');
    expect(empty.users).toEqual([]);
    expect(empty.subscribedSkus.map((s) => s.skuPartNumber)).toEqual(['EMS', 'ENTERPRISEPACK']);
  });

  it('loads a fixture file and refuses one with a SKU the tenant does not subscribe to, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
    const fixture = { ...buildDemoTenant(), users: buildDemoTenant().users.slice(0, 4) };
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(fixture));
    expect(loadTenant(good).users).toHaveLength(4);

    const bad = { ...fixture, subscribedSkus: fixture.subscribedSkus.slice(0, 1) };
    const badPath = join(dir, 'bad.json');
    writeFileSync(badPath, JSON.stringify(bad));
    expect(() => loadTenant(badPath)).toThrow(TenantFixtureError);
    expect(() => loadTenant(badPath)).toThrow(
      /has SKU 6fd2c87f-b296-42f0-b197-1e91e994b900, which is not in subscribedSkus/
    );
  });

  it.each([
    ['not-a-scenario', /Unknown tenant "not-a-scenario"/],
    ['/nowhere/tenant.json', /Cannot read tenant fixture/],
  ])('refuses %s with a clear message', (spec, message) => {
    expect(() => loadTenant(spec)).toThrow(message);
  });

  it('refuses a group that assigns licenses without being security-enabled', () => {
    const demo = buildDemoTenant();
    const mailGroup = {
      ...demo.groups![0],
      securityEnabled: false,
      licenses: [{ skuId: demo.subscribedSkus[0].skuId, disabledPlans: [] }],
    };
    expect(() => checkTenantFixture({ ...demo, groups: [mailGroup] })).toThrow(
      /assigns licenses but is not security-enabled/
    );
  });

  it('refuses members that are neither users nor groups, and duplicate ids', () => {
    const demo = buildDemoTenant();
    const broken = {
      ...demo,
      users: [demo.users[0], demo.users[0]],
      groups: [{ ...demo.groups![0], members: ['missing-id'] }],
    };
    expect(() => checkTenantFixture(broken)).toThrow(/id .* is used twice/);
    expect(() => checkTenantFixture(broken)).toThrow(
      /has member missing-id, which is neither a user nor a group/
    );
  });
});
