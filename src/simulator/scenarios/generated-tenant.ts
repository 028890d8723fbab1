import { deterministicId } from '../deterministic-id';
import { seededRandom } from '../seeded-random';
import { catalogSku } from '../sku-catalog';
import type { FixtureLicense, FixtureUser, TenantFixture } from '../tenant-fixture';
import { DEMO_DOMAIN, DEMO_TENANT_ID } from './demo-tenant';

/**
 * Large tenants with a realistic mix, for benchmarks: `--generate users=100000,grouped=10%,seed=7`.
 * Everyone gets EMS directly; most get one Office suite (E3, E5 or E1) directly, some E3 holders with
 * Yammer or Sway disabled; a share of E3 holders already inherit E3 from a licensing group too, a few
 * inherit it only; some accounts are disabled. Seats are what is used plus 5 %.
 */

export interface GeneratorSpec {
  readonly users: number;
  /** Share of E3 holders who already also inherit E3 from the existing licensing group. */
  readonly grouped: number;
  /** Share of accounts that are disabled (licenses still assigned). */
  readonly disabled: number;
  readonly seed: number;
}

export class GeneratorSpecError extends Error {}

const percent = (name: string, text: string): number => {
  const match = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (!match || Number(match[1]) > 100)
    throw new GeneratorSpecError(`${name} must be a percentage such as 10% (got "${text}").`);
  return Number(match[1]) / 100;
};

export function parseGeneratorSpec(text: string): GeneratorSpec {
  const values = new Map<string, string>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value, ...rest] = part.split('=');
    if (!value || rest.length > 0)
      throw new GeneratorSpecError(`Cannot read "${part}": expected name=value.`);
    if (!['users', 'grouped', 'disabled', 'seed'].includes(name)) {
      throw new GeneratorSpecError(
        `Unknown generator setting "${name}": use users, grouped, disabled or seed.`
      );
    }
    values.set(name, value);
  }
  const users = Number(values.get('users'));
  if (!values.has('users') || !Number.isInteger(users) || users < 1 || users > 1_000_000) {
    throw new GeneratorSpecError(
      'users must be a whole number from 1 to 1,000,000 (e.g. users=100000).'
    );
  }
  const seed = Number(values.get('seed') ?? '1');
  if (!Number.isInteger(seed)) throw new GeneratorSpecError('seed must be a whole number.');
  return {
    users,
    grouped: percent('grouped', values.get('grouped') ?? '10%'),
    disabled: percent('disabled', values.get('disabled') ?? '2%'),
    seed,
  };
}

const DEPARTMENTS = [
  'Finance',
  'Sales',
  'Marketing',
  'IT',
  'Operations',
  'HR',
  'Legal',
  'Engineering',
  'Support',
  'Retail',
  'Logistics',
  'Research',
];
const LOCATIONS = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'CA', 'IN', 'JP', 'AU'];

export function generateTenant(spec: GeneratorSpec): TenantFixture {
  const random = seededRandom(spec.seed);
  const catalog = {
    ems: catalogSku('EMS', 0),
    e3: catalogSku('ENTERPRISEPACK', 0),
    e5: catalogSku('ENTERPRISEPREMIUM', 0),
    e1: catalogSku('STANDARDPACK', 0),
  };
  const plan = (name: string) =>
    catalog.e3.servicePlans.find((p) => p.servicePlanName === name)?.servicePlanId ?? '';
  const yammer = plan('YAMMER_ENTERPRISE');
  const sway = plan('SWAY');
  const groupId = deterministicId(`generated-${spec.seed}-group-e3`);
  const members: string[] = [];
  const held = { ems: 0, e3: 0, e5: 0, e1: 0 };
  const users: FixtureUser[] = [];
  for (let i = 0; i < spec.users; i++) {
    const id = deterministicId(`generated-${spec.seed}-user-${i}`);
    const licenses: FixtureLicense[] = [];
    const roll = random();
    let inGroup = false;
    if (random() < 0.95) {
      licenses.push({ skuId: catalog.ems.skuId, disabledPlans: [] });
      held.ems++;
    }
    if (roll < 0.6) {
      const variant = random();
      const disabledPlans = variant < 0.05 ? [yammer, sway] : variant < 0.2 ? [yammer] : [];
      licenses.push({ skuId: catalog.e3.skuId, disabledPlans });
      held.e3++;
      inGroup = random() < spec.grouped;
    } else if (roll < 0.65) {
      licenses.push({ skuId: catalog.e5.skuId, disabledPlans: [] });
      held.e5++;
    } else if (roll < 0.85) {
      licenses.push({ skuId: catalog.e1.skuId, disabledPlans: [] });
      held.e1++;
    } else if (roll < 0.87) {
      inGroup = true; // inherits E3 only
      held.e3++;
    }
    if (inGroup) members.push(id);
    users.push({
      id,
      userPrincipalName: `user${i}@${DEMO_DOMAIN}`,
      displayName: `User ${i}`,
      department: DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)],
      usageLocation: LOCATIONS[Math.floor(random() * LOCATIONS.length)],
      accountEnabled: random() >= spec.disabled,
      licenses,
    });
  }
  const seats = (n: number) => Math.ceil(n * 1.05) + 10;
  return {
    organization: {
      id: DEMO_TENANT_ID,
      displayName: `Contoso (${spec.users} users)`,
      countryLetterCode: 'US',
      defaultDomain: DEMO_DOMAIN,
    },
    subscribedSkus: [
      { ...catalog.ems, prepaidUnits: seats(held.ems) },
      { ...catalog.e3, prepaidUnits: seats(held.e3) },
      { ...catalog.e5, prepaidUnits: seats(held.e5) },
      { ...catalog.e1, prepaidUnits: seats(held.e1) },
    ],
    users,
    groups: [
      {
        id: groupId,
        displayName: 'LIC-Office365-E3',
        description: 'Existing licensing group: Office 365 E3 with every plan enabled.',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members,
        licenses: [{ skuId: catalog.e3.skuId, disabledPlans: [] }],
      },
    ],
    existingAutomation: {
      displayName: 'Contoso license provisioning',
      appId: deterministicId(`generated-${spec.seed}-automation`),
      everyDays: 1,
      runs: 7,
    },
  };
}
