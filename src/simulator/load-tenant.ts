import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { membershipRuleProblem } from './dynamic-group-members';
import { buildDemoTenant } from './scenarios/demo-tenant';
import { buildEmptyTenant } from './scenarios/empty-tenant';
import { buildTrickyTenant } from './scenarios/tricky-tenant';
import type { TenantFixture } from './tenant-fixture';

/** A tenant fixture or scenario that cannot be used; the message says what is wrong and where. */
export class TenantFixtureError extends Error {}

export const SCENARIOS: Readonly<Record<string, () => TenantFixture>> = {
  demo: buildDemoTenant,
  empty: buildEmptyTenant,
  tricky: buildTrickyTenant,
};

const SCHEMA_PATH = join(__dirname, '..', '..', 'schemas', 'tenant-fixture.schema.json');

/** A shipped scenario by name, or a fixture file checked against schemas/tenant-fixture.schema.json. */
export function loadTenant(spec: string): TenantFixture {
  const scenario = SCENARIOS[spec];
  if (scenario) return scenario();
  if (!spec.endsWith('.json')) {
    throw new TenantFixtureError(
      `Unknown tenant "${spec}": give a scenario (${Object.keys(SCENARIOS).join(', ')}) or a fixture .json file.`
    );
  }
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (error) {
    throw new TenantFixtureError(`Cannot read tenant fixture ${spec}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TenantFixtureError(
      `Tenant fixture ${spec} is not valid JSON: ${(error as Error).message}`
    );
  }
  return checkTenantFixture(data, spec);
}

/** Checks shape (the JSON Schema) and references (ids, SKUs, plans, members); returns the fixture. */
export function checkTenantFixture(data: unknown, source = 'tenant fixture'): TenantFixture {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object
  );
  if (!validate(data)) {
    const problems = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
      .join('; ');
    throw new TenantFixtureError(
      `${source} does not match schemas/tenant-fixture.schema.json: ${problems}.`
    );
  }
  const fixture = data as TenantFixture;
  const problems = referenceProblems(fixture);
  if (problems.length > 0) {
    throw new TenantFixtureError(`${source} is inconsistent: ${problems.slice(0, 5).join('; ')}.`);
  }
  return fixture;
}

function referenceProblems(fixture: TenantFixture): string[] {
  const problems: string[] = [];
  const plansBySku = new Map(
    fixture.subscribedSkus.map((s) => [
      s.skuId.toLowerCase(),
      new Set(s.servicePlans.map((p) => p.servicePlanId.toLowerCase())),
    ])
  );
  const ids = new Set<string>();
  const upns = new Set<string>();
  const checkLicenses = (owner: string, licenses: TenantFixture['users'][number]['licenses']) => {
    for (const license of licenses ?? []) {
      const plans = plansBySku.get(license.skuId.toLowerCase());
      if (!plans)
        problems.push(`${owner} has SKU ${license.skuId}, which is not in subscribedSkus`);
      else {
        for (const plan of license.disabledPlans) {
          if (!plans.has(plan.toLowerCase()))
            problems.push(
              `${owner} disables plan ${plan}, which SKU ${license.skuId} does not contain`
            );
        }
      }
    }
  };
  for (const user of fixture.users) {
    if (ids.has(user.id)) problems.push(`id ${user.id} is used twice`);
    ids.add(user.id);
    const upn = user.userPrincipalName.toLowerCase();
    if (upns.has(upn)) problems.push(`userPrincipalName ${user.userPrincipalName} is used twice`);
    upns.add(upn);
    checkLicenses(`user ${user.userPrincipalName}`, user.licenses);
  }
  for (const group of fixture.groups ?? []) {
    if (ids.has(group.id)) problems.push(`id ${group.id} is used twice`);
    ids.add(group.id);
    checkLicenses(`group ${group.displayName}`, group.licenses);
    if ((group.licenses ?? []).length > 0 && !group.securityEnabled) {
      problems.push(
        `group ${group.displayName} assigns licenses but is not security-enabled (only security groups can)`
      );
    }
    const ruleProblem = membershipRuleProblem(group);
    if (ruleProblem) problems.push(`group ${group.displayName} ${ruleProblem}`);
  }
  for (const group of fixture.groups ?? []) {
    for (const member of group.members ?? []) {
      if (!ids.has(member))
        problems.push(
          `group ${group.displayName} has member ${member}, which is neither a user nor a group`
        );
    }
  }
  return problems;
}
