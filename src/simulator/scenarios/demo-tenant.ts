import { deterministicId } from '../deterministic-id';
import { catalogSku } from '../sku-catalog';
import type { FixtureUser, TenantFixture } from '../tenant-fixture';

/**
 * The embedded demo tenant: Microsoft's documented migration example. 1,000 users; Enterprise Mobility +
 * Security E3 assigned directly to everyone, Office 365 E3 assigned directly to the 200 people in Finance.
 * No licensing groups exist yet: that is what the migration creates. People carry the attributes dynamic
 * membership rules read (department, job title, city, country, company, employee id), and, as in real
 * directories, a few of Finance's are wrong: see FINANCE_DEPARTMENT_MISTAKES.
 */

export const DEMO_TENANT_ID = '5c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
export const DEMO_DOMAIN = 'contoso.example';

/** People the Playground knows by name (see .m365agentsplayground.yml); the rest are generated. */
export const DEMO_PEOPLE = {
  admin: {
    id: '7b3e9a10-2c4d-4e5f-8a6b-1c2d3e4f5a60',
    name: 'Adele Vance',
    mailNickname: 'AdeleV',
    department: 'IT',
  },
  approver1: {
    id: '8c4fab21-3d5e-4f60-9b7c-2d3e4f5a6b71',
    name: 'Lee Gu',
    mailNickname: 'LeeG',
    department: 'IT',
  },
  approver2: {
    id: '9d50bc32-4e6f-4071-8c8d-3e4f5a6b7c82',
    name: 'Nestor Wilke',
    mailNickname: 'NestorW',
    department: 'Operations',
  },
  finance: {
    id: 'ae61cd43-5f70-4182-9d9e-4f5a6b7c8d93',
    name: 'Megan Bowen',
    mailNickname: 'MeganB',
    department: 'Finance',
  },
  sales: {
    id: 'bf72de54-6081-4293-8eaf-5a6b7c8d9ea4',
    name: 'Alex Wilber',
    mailNickname: 'AlexW',
    department: 'Sales',
  },
} as const;

const EMS = catalogSku('EMS', 1100);
const OFFICE_E3 = catalogSku('ENTERPRISEPACK', 250);

export const DEMO_AUTOMATION = {
  displayName: 'Contoso nightly license script',
  appId: 'e2a5c6d7-9b8a-4c3d-8e1f-0a1b2c3d4e5f',
  everyDays: 1,
  runs: 30,
  // Its rule, when it runs on (the simulator's `automation` option): the tenant as Microsoft's example has it.
  rule: {
    everyone: [{ skuId: EMS.skuId, disabledPlans: [] }],
    byDepartment: { Finance: [{ skuId: OFFICE_E3.skuId, disabledPlans: [] }] },
  },
  joinersPerRun: 1,
  leaversPerRun: 1,
} as const;

export const DEMO_ADMIN_GROUP_ID = 'c083ef65-7192-43a4-9fb0-6b7c8d9eafb5';
export const DEMO_APPROVER_GROUP_ID = 'd194f076-82a3-44b5-80c1-7c8d9eafb0c6';

const DEPARTMENTS_OTHER_THAN_FINANCE = [
  'Sales',
  'Marketing',
  'IT',
  'Operations',
  'HR',
  'Legal',
  'Engineering',
];
const USAGE_LOCATIONS = ['US', 'US', 'US', 'GB', 'DE', 'CA'];
const GIVEN_NAMES = [
  'Ava',
  'Ben',
  'Chloe',
  'Dan',
  'Ella',
  'Finn',
  'Grace',
  'Hugo',
  'Isla',
  'Jack',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Paul',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
];
const SURNAMES = [
  'Adams',
  'Brooks',
  'Carter',
  'Diaz',
  'Evans',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Meyer',
  'Nakamura',
  'Olsen',
  'Patel',
  'Quintero',
  'Rossi',
  'Smith',
  'Tanaka',
  'Ueda',
  'Vargas',
  'Weber',
  'Xu',
  'Young',
  'Zimmer',
];

const DEMO_USER_COUNT = 1000;
const FINANCE_COUNT = 200;

/**
 * People in Finance (they hold Office 365 E3) whose department attribute is wrong, by generated-user index:
 * a misspelling, a trailing space, and never set. A rule `user.department -eq "Finance"` misses them.
 */
export const FINANCE_DEPARTMENT_MISTAKES: ReadonlyMap<number, string | null> = new Map([
  [37, 'Finanse'],
  [88, 'finance '],
  [150, null],
]);
/** Someone outside Finance whose department was never set either. */
const OTHER_WITHOUT_DEPARTMENT = 400;

const JOB_TITLES: Readonly<Record<string, readonly string[]>> = {
  Finance: ['Accountant', 'Financial Analyst', 'Controller', 'Accounts Payable Specialist'],
  Sales: ['Account Executive', 'Sales Manager'],
  Marketing: ['Marketing Specialist', 'Brand Manager'],
  IT: ['Systems Administrator', 'Service Desk Analyst'],
  Operations: ['Operations Manager', 'Logistics Coordinator'],
  HR: ['HR Business Partner', 'Recruiter'],
  Legal: ['Counsel', 'Paralegal'],
  Engineering: ['Software Engineer', 'Engineering Manager'],
};
const PLACES: Readonly<Record<string, { city: string; country: string }>> = {
  US: { city: 'Seattle', country: 'United States' },
  GB: { city: 'London', country: 'United Kingdom' },
  DE: { city: 'Munich', country: 'Germany' },
  CA: { city: 'Toronto', country: 'Canada' },
};

function licensesFor(inFinance: boolean) {
  const licenses = [{ skuId: EMS.skuId, disabledPlans: [] as string[] }];
  if (inFinance) licenses.push({ skuId: OFFICE_E3.skuId, disabledPlans: [] });
  return licenses;
}

/** What HR keeps for someone in this department and country. */
function attributesFor(department: string, usageLocation: string, index: number) {
  const titles = JOB_TITLES[department] ?? ['Specialist'];
  return {
    jobTitle: titles[index % titles.length],
    companyName: 'Contoso',
    officeLocation: `${PLACES[usageLocation].city} ${1 + (index % 3)}`,
    ...PLACES[usageLocation],
    employeeId: String(100_000 + index),
  };
}

function namedUser(
  person: (typeof DEMO_PEOPLE)[keyof typeof DEMO_PEOPLE],
  index: number
): FixtureUser {
  return {
    id: person.id,
    userPrincipalName: `${person.mailNickname}@${DEMO_DOMAIN}`,
    displayName: person.name,
    department: person.department,
    ...attributesFor(person.department, 'US', index),
    usageLocation: 'US',
    accountEnabled: true,
    licenses: licensesFor(person.department === 'Finance'),
  };
}

function generatedUser(index: number, department: string): FixtureUser {
  const given = GIVEN_NAMES[index % GIVEN_NAMES.length];
  const surname = SURNAMES[Math.floor(index / GIVEN_NAMES.length) % SURNAMES.length];
  const nickname = `${given}.${surname}${index}`.toLowerCase();
  const usageLocation = USAGE_LOCATIONS[index % USAGE_LOCATIONS.length];
  const recorded = FINANCE_DEPARTMENT_MISTAKES.has(index)
    ? FINANCE_DEPARTMENT_MISTAKES.get(index)
    : index === OTHER_WITHOUT_DEPARTMENT
      ? null
      : department;
  return {
    id: deterministicId(`demo-user-${index}`),
    userPrincipalName: `${nickname}@${DEMO_DOMAIN}`,
    displayName: `${given} ${surname} (${index})`,
    ...attributesFor(department, usageLocation, index),
    department: recorded ?? null,
    usageLocation,
    accountEnabled: true,
    licenses: licensesFor(department === 'Finance'),
  };
}

export function buildDemoTenant(): TenantFixture {
  const named = Object.values(DEMO_PEOPLE).map((person, i) => namedUser(person, 900_000 + i));
  const users: FixtureUser[] = [...named];
  const financeToGenerate = FINANCE_COUNT - named.filter((u) => u.department === 'Finance').length;
  for (let i = 0; users.length < DEMO_USER_COUNT; i++) {
    const department =
      i < financeToGenerate
        ? 'Finance'
        : DEPARTMENTS_OTHER_THAN_FINANCE[i % DEPARTMENTS_OTHER_THAN_FINANCE.length];
    users.push(generatedUser(i, department));
  }
  return {
    organization: {
      id: DEMO_TENANT_ID,
      displayName: 'Contoso',
      countryLetterCode: 'US',
      defaultDomain: DEMO_DOMAIN,
    },
    subscribedSkus: [EMS, OFFICE_E3],
    // The script that has been assigning licenses every night for a month; it keeps running during migration.
    existingAutomation: DEMO_AUTOMATION,
    users,
    groups: [
      {
        id: DEMO_ADMIN_GROUP_ID,
        displayName: 'License Migration Admins',
        description: 'May run the license migration bot.',
        securityEnabled: true,
        mailEnabled: false,
        mailNickname: 'license-migration-admins',
        groupTypes: [],
        members: [DEMO_PEOPLE.admin.id],
      },
      {
        id: DEMO_APPROVER_GROUP_ID,
        displayName: 'License Migration Approvers',
        description: 'May approve removal waves.',
        securityEnabled: true,
        mailEnabled: false,
        mailNickname: 'license-migration-approvers',
        groupTypes: [],
        members: [DEMO_PEOPLE.approver1.id, DEMO_PEOPLE.approver2.id],
      },
    ],
  };
}
