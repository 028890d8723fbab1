import { TenantSimulator } from '../../src/simulator/simulator-server';
import {
  TRICKY_GROUPS,
  buildTrickyTenant,
  trickyUserId,
} from '../../src/simulator/scenarios/tricky-tenant';
import { graphCall } from '../support/graph-http';
import { processingSettled } from '../support/processing';
import { expectGraphShape } from '../support/graph-schema';
import { EMS } from '../fixtures/skus';

const user = trickyUserId('both-same-plans');
const select =
  '$select=id,displayName,userPrincipalName,accountEnabled,usageLocation,department,assignedLicenses,licenseAssignmentStates';

/** Every kind of answer the simulator gives, each checked against Microsoft's published v1.0 types. */
const READS: readonly [string, string][] = [
  ['/v1.0/organization', 'microsoft.graph.organizationCollectionResponse'],
  ['/v1.0/subscribedSkus', 'microsoft.graph.subscribedSkuCollectionResponse'],
  ['/v1.0/users', 'microsoft.graph.userCollectionResponse'],
  [`/v1.0/users?${select}&$top=5`, 'microsoft.graph.userCollectionResponse'],
  [`/v1.0/users/${user}`, 'microsoft.graph.user'],
  [`/v1.0/users/${user}?${select}`, 'microsoft.graph.user'],
  [`/v1.0/users/${user}/licenseDetails`, 'microsoft.graph.licenseDetailsCollectionResponse'],
  ['/v1.0/groups', 'microsoft.graph.groupCollectionResponse'],
  [
    '/v1.0/groups?$select=id,displayName,assignedLicenses,licenseProcessingState',
    'microsoft.graph.groupCollectionResponse',
  ],
  [
    `/v1.0/groups/${TRICKY_GROUPS.e3}?$select=id,assignedLicenses,licenseProcessingState`,
    'microsoft.graph.group',
  ],
  [`/v1.0/groups/${TRICKY_GROUPS.e3}/members`, 'microsoft.graph.directoryObjectCollectionResponse'],
  [
    `/v1.0/groups/${TRICKY_GROUPS.e3}/members?$select=id,userPrincipalName`,
    'microsoft.graph.directoryObjectCollectionResponse',
  ],
  [
    `/v1.0/groups/${TRICKY_GROUPS.e5}/membersWithLicenseErrors`,
    'microsoft.graph.directoryObjectCollectionResponse',
  ],
  ['/v1.0/auditLogs/directoryAudits', 'microsoft.graph.directoryAuditCollectionResponse'],
  ['/v1.0/users/nobody', 'graphErrorResponse'],
];

describe('every simulator answer validates against the official Graph v1.0 schema', () => {
  let simulator: TenantSimulator;
  let base: string;

  beforeAll(async () => {
    simulator = new TenantSimulator({
      tenant: buildTrickyTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100000 },
    });
    base = await simulator.start();
    // Give the audit log entries of every kind.
    await graphCall(base, 'POST', `/v1.0/users/${user}/assignLicense`, {
      addLicenses: [{ skuId: EMS, disabledPlans: [] }],
      removeLicenses: [],
    });
    await graphCall(base, 'POST', `/v1.0/groups/${TRICKY_GROUPS.e3}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${trickyUserId('direct-only')}`,
    });
    await processingSettled(simulator);
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it.each(READS)('GET %s is a valid %s', async (path, definition) => {
    const answer = await graphCall(base, 'GET', path);
    expectGraphShape(answer.body, definition);
  });

  it('answers writes with valid users, groups, string collections and errors', async () => {
    const created = await graphCall(base, 'POST', '/v1.0/groups', {
      displayName: 'Sweep',
      mailEnabled: false,
      mailNickname: 'sweep',
      securityEnabled: true,
    });
    expectGraphShape(created.body, 'microsoft.graph.group');
    const assigned = await graphCall(
      base,
      'POST',
      `/v1.0/groups/${created.body.id}/assignLicense`,
      { addLicenses: [{ skuId: EMS, disabledPlans: [] }], removeLicenses: [] }
    );
    expectGraphShape(assigned.body, 'microsoft.graph.group');
    const reprocessed = await graphCall(
      base,
      'POST',
      `/v1.0/users/${user}/reprocessLicenseAssignment`
    );
    expectGraphShape(reprocessed.body, 'microsoft.graph.user');
    const memberOf = await graphCall(
      base,
      'POST',
      `/v1.0/directoryObjects/${user}/checkMemberGroups`,
      { groupIds: [TRICKY_GROUPS.e3] }
    );
    expectGraphShape(memberOf.body, 'StringCollectionResponse');
    const refused = await graphCall(base, 'POST', `/v1.0/users/${user}/assignLicense`, {
      addLicenses: 'everything',
    });
    expectGraphShape(refused.body, 'graphErrorResponse');
  });
});
