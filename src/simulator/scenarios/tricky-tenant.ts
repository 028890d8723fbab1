import { deterministicId } from '../deterministic-id';
import { catalogSku } from '../sku-catalog';
import type { FixtureLicense, FixtureSku, FixtureUser, TenantFixture } from '../tenant-fixture';
import { DEMO_DOMAIN, DEMO_TENANT_ID } from './demo-tenant';

/**
 * One user for every case that makes a direct-to-group migration hard. Each user's department names
 * the case, so a test or a demo can find them. The licensing rules are illustrative (Microsoft publishes
 * conflicts and dependencies per product, not as data).
 */

const EMS = catalogSku('EMS', 20);
const E3 = catalogSku('ENTERPRISEPACK', 20);
const E1 = catalogSku('STANDARDPACK', 5);
// Exactly as many seats as holders: any new holder is a CountViolation.
const E5 = catalogSku('ENTERPRISEPREMIUM', 1);

const plan = (sku: FixtureSku, name: string): string => {
  const found = sku.servicePlans.find((p) => p.servicePlanName === name);
  if (!found) throw new Error(`${sku.skuPartNumber} has no plan ${name}`);
  return found.servicePlanId;
};

export const TRICKY_PLANS = {
  yammer: plan(E3, 'YAMMER_ENTERPRISE'),
  sway: plan(E3, 'SWAY'),
  teams: plan(E3, 'TEAMS1'),
  sharePoint: plan(E3, 'SHAREPOINTENTERPRISE'),
  exchangeE3: plan(E3, 'EXCHANGE_S_ENTERPRISE'),
  exchangeE1: plan(E1, 'EXCHANGE_S_STANDARD'),
} as const;

export const TRICKY_GROUPS = {
  e3: deterministicId('tricky-group-e3'),
  e3NoSway: deterministicId('tricky-group-e3-no-sway'),
  nestedParent: deterministicId('tricky-group-nested-parent'),
  nestedChild: deterministicId('tricky-group-nested-child'),
  e5: deterministicId('tricky-group-e5'),
} as const;

/** The hard cases, by the department that names them. */
export const TRICKY_CASES = [
  'direct-only',
  'both-same-plans',
  'direct-enables-plan-group-disables',
  'inherited-only',
  'two-groups-union-of-plans',
  'disabled-account',
  'no-usage-location',
  'nested-group-only',
  'group-license-in-error-count',
  'conflicting-exchange-plans',
  'usage-location-forbids-plan',
  'direct-sku-no-group-covers',
  'direct-disables-more-than-group',
] as const;

export type TrickyCase = (typeof TRICKY_CASES)[number];

export function trickyUserId(trickyCase: TrickyCase): string {
  return deterministicId(`tricky-user-${trickyCase}`);
}

const license = (sku: FixtureSku, disabledPlans: string[] = []): FixtureLicense => ({
  skuId: sku.skuId,
  disabledPlans,
});

function user(
  trickyCase: TrickyCase,
  licenses: FixtureLicense[],
  extra: Partial<FixtureUser> = {}
): FixtureUser {
  const nickname = trickyCase.replace(/-/g, '.');
  return {
    id: trickyUserId(trickyCase),
    userPrincipalName: `${nickname}@${DEMO_DOMAIN}`,
    displayName: `Case ${trickyCase}`,
    department: trickyCase,
    usageLocation: 'US',
    accountEnabled: true,
    licenses,
    ...extra,
  };
}

export function buildTrickyTenant(): TenantFixture {
  const { yammer, sway } = TRICKY_PLANS;
  const users: FixtureUser[] = [
    user('direct-only', [license(EMS), license(E3)]),
    user('both-same-plans', [license(E3, [yammer])]),
    // Direct enables Yammer; the only E3 group disables it: removing the direct license would lose Yammer.
    user('direct-enables-plan-group-disables', [license(E3)]),
    user('inherited-only', []),
    // Direct disables Yammer and Sway; one group enables Sway, the other Yammer: the union covers it.
    user('two-groups-union-of-plans', [license(E3, [yammer, sway])]),
    user('disabled-account', [license(E3)], { accountEnabled: false }),
    // Set before usage location was enforced; group licensing will use the tenant's country.
    user('no-usage-location', [license(EMS)], { usageLocation: null }),
    user('nested-group-only', [license(E3)]),
    user('group-license-in-error-count', [license(EMS)]),
    user('conflicting-exchange-plans', [license(E1)]),
    user('usage-location-forbids-plan', [license(EMS)], { usageLocation: 'CU' }),
    user('direct-sku-no-group-covers', [license(EMS), license(E1)]),
    user('direct-disables-more-than-group', [license(E3, [yammer, sway])]),
    {
      id: deterministicId('tricky-user-e5-holder'),
      userPrincipalName: `e5.holder@${DEMO_DOMAIN}`,
      displayName: 'E5 seat holder',
      department: 'Finance',
      usageLocation: 'US',
      accountEnabled: true,
      licenses: [license(E5)],
    },
  ];
  const id = (c: TrickyCase) => trickyUserId(c);
  return {
    organization: {
      id: DEMO_TENANT_ID,
      displayName: 'Contoso (tricky cases)',
      countryLetterCode: 'US',
      defaultDomain: DEMO_DOMAIN,
    },
    subscribedSkus: [EMS, E3, E1, E5],
    users,
    groups: [
      {
        id: TRICKY_GROUPS.e3,
        displayName: 'LIC-E3 (no Yammer)',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: [
          id('both-same-plans'),
          id('direct-enables-plan-group-disables'),
          id('inherited-only'),
          id('two-groups-union-of-plans'),
          id('direct-disables-more-than-group'),
          // Their hard cases happen only in a licensing group: a conflict, a forbidden country, no location.
          id('conflicting-exchange-plans'),
          id('usage-location-forbids-plan'),
          id('no-usage-location'),
          id('disabled-account'),
          TRICKY_GROUPS.nestedChild,
        ],
        licenses: [license(E3, [yammer])],
      },
      {
        id: TRICKY_GROUPS.e3NoSway,
        displayName: 'LIC-E3 (no Sway)',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: [id('two-groups-union-of-plans')],
        licenses: [license(E3, [sway])],
      },
      {
        id: TRICKY_GROUPS.nestedParent,
        displayName: 'All staff (nested)',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: [TRICKY_GROUPS.nestedChild],
      },
      {
        id: TRICKY_GROUPS.nestedChild,
        displayName: 'Contractors',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: [id('nested-group-only')],
      },
      {
        id: TRICKY_GROUPS.e5,
        displayName: 'LIC-E5 (seats exhausted)',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: [id('group-license-in-error-count')],
        licenses: [license(E5)],
      },
    ],
    rules: {
      mutuallyExclusivePlans: [[TRICKY_PLANS.exchangeE1, TRICKY_PLANS.exchangeE3]],
      planDependencies: [],
      plansUnavailableInCountries: [{ plan: TRICKY_PLANS.teams, countries: ['CU'] }],
    },
  };
}
