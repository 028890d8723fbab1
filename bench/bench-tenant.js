// The tenant both benchmarks run on: a generated tenant plus the people who run and approve the migration.
const path = require('node:path');

const lib = (file) => require(path.join(__dirname, '..', 'lib', file));
const { generateTenant, parseGeneratorSpec } = lib('simulator/scenarios/generated-tenant');
const { DEMO_PEOPLE } = lib('simulator/scenarios/demo-tenant');

const ADMIN_GROUP = '11111111-1111-4111-8111-111111111111';
const APPROVER_GROUP = '22222222-2222-4222-8222-222222222222';

const percentile = (values, p) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** A generated tenant, plus the people who run and approve the migration. */
function tenantOf(users) {
  const tenant = generateTenant(parseGeneratorSpec(`users=${users},seed=1`));
  const person = (p) => ({
    id: p.id,
    userPrincipalName: `${p.mailNickname}@contoso.example`,
    displayName: p.name,
    usageLocation: 'US',
    accountEnabled: true,
    licenses: [],
  });
  const group = (id, displayName, members) => ({
    id,
    displayName,
    securityEnabled: true,
    mailEnabled: false,
    groupTypes: [],
    members,
  });
  return {
    ...tenant,
    users: [...tenant.users, person(DEMO_PEOPLE.admin), person(DEMO_PEOPLE.approver1)],
    groups: [
      ...tenant.groups,
      group(ADMIN_GROUP, 'Migration admins', [DEMO_PEOPLE.admin.id]),
      group(APPROVER_GROUP, 'Migration approvers', [DEMO_PEOPLE.approver1.id]),
    ],
  };
}

/**
 * Graph's answer times in the simulator (src/simulator/latency-model.ts), in its simulated time: on unless
 * BENCH_LATENCY=off, so a one-request-at-a-time client is paced as against Graph, not by loopback.
 */
const LATENCY = process.env.BENCH_LATENCY === 'off' ? false : { seed: 17 };

module.exports = { ADMIN_GROUP, APPROVER_GROUP, LATENCY, percentile, tenantOf };
