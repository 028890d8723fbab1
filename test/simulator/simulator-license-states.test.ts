import type { TenantFixture } from '../../src/simulator/tenant-fixture';
import { runningSimulator } from '../support/running-simulator';
import { processingSettled } from '../support/processing';

/**
 * Every state Graph documents in licenseAssignmentStates (Active, ActiveWithError, Disabled, Error) and the
 * errors the resolve-problems doc describes, as the simulator produces them.
 */
const SKU_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const SKU_KIOSK = 'bbbbbbbb-0000-4000-8000-00000000000b';
const SKU_ADDON = 'cccccccc-0000-4000-8000-00000000000c';
const SKU_VISIO = 'dddddddd-0000-4000-8000-00000000000d';
const MAIL = '11111111-0000-4000-8000-000000000001';
const KIOSK_MAIL = '22222222-0000-4000-8000-000000000002';
const TEAMS = '33333333-0000-4000-8000-000000000003';
const AUDIO = '44444444-0000-4000-8000-000000000004';
const VISIO = '55555555-0000-4000-8000-000000000005';
const GROUP_A = 'a0a0a0a0-0000-4000-8000-0000000000a0';
const GROUP_VISIO = 'd0d0d0d0-0000-4000-8000-0000000000d0';

function tenant(): TenantFixture {
  const user = (id: string, extra: object = {}) => ({
    id,
    userPrincipalName: `${id}@contoso.example`,
    displayName: `User ${id}`,
    usageLocation: 'US',
    ...extra,
  });
  return {
    organization: {
      id: '5c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5',
      displayName: 'Contoso',
      countryLetterCode: 'US',
      defaultDomain: 'contoso.example',
    },
    subscribedSkus: [
      {
        skuId: SKU_A,
        skuPartNumber: 'SKU_A',
        prepaidUnits: 10,
        servicePlans: [
          { servicePlanId: MAIL, servicePlanName: 'MAIL' },
          { servicePlanId: TEAMS, servicePlanName: 'TEAMS' },
        ],
      },
      {
        skuId: SKU_KIOSK,
        skuPartNumber: 'SKU_KIOSK',
        prepaidUnits: 10,
        servicePlans: [{ servicePlanId: KIOSK_MAIL, servicePlanName: 'KIOSK_MAIL' }],
      },
      {
        skuId: SKU_ADDON,
        skuPartNumber: 'SKU_ADDON',
        prepaidUnits: 10,
        servicePlans: [{ servicePlanId: AUDIO, servicePlanName: 'AUDIO' }],
      },
      {
        skuId: SKU_VISIO,
        skuPartNumber: 'SKU_VISIO',
        prepaidUnits: 10,
        servicePlans: [{ servicePlanId: VISIO, servicePlanName: 'VISIO' }],
      },
    ],
    users: [
      // Has the kiosk mailbox directly: the group's full mailbox, once enabled, conflicts with it.
      user('kiosk', { licenses: [{ skuId: SKU_KIOSK, disabledPlans: [] }] }),
      // Audio conferencing needs Teams, which only the group gives.
      user('audio', { licenses: [{ skuId: SKU_ADDON, disabledPlans: [] }] }),
      user('twin-1', { proxyAddresses: ['smtp:sales@contoso.example'] }),
      user('twin-2', { proxyAddresses: ['SMTP:sales@contoso.example'] }),
      user('visio', { licenses: [{ skuId: SKU_VISIO, disabledPlans: [] }] }),
    ],
    groups: [
      {
        id: GROUP_A,
        displayName: 'LIC-A',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: ['kiosk', 'audio'],
        licenses: [{ skuId: SKU_A, disabledPlans: [MAIL] }],
      },
      {
        id: GROUP_VISIO,
        displayName: 'LIC-VISIO',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: ['visio'],
        licenses: [{ skuId: SKU_VISIO, disabledPlans: [] }],
      },
    ],
    rules: {
      mutuallyExclusivePlans: [[MAIL, KIOSK_MAIL]],
      planDependencies: [{ plan: AUDIO, requires: [TEAMS] }],
    },
  };
}

describe('license assignment states the simulator produces', () => {
  const running = runningSimulator(() => ({
    tenant: tenant(),
    timings: { queuedMs: 10, usersPerSecond: 100000 },
  }));
  const states = async (userId: string) =>
    (
      await running.call(
        'GET',
        `/v1.0/users/${userId}?$select=id,assignedLicenses,licenseAssignmentStates`
      )
    ).body;
  const fromGroup = async (userId: string, groupId: string) =>
    (await states(userId)).licenseAssignmentStates.filter(
      (row: { assignedByGroup: string | null }) => row.assignedByGroup === groupId
    );

  it('keeps a license the group already gave ActiveWithError, as applied, when a later change to the group fails for that member', async () => {
    expect(await fromGroup('kiosk', GROUP_A)).toEqual([
      expect.objectContaining({ state: 'Active', error: 'None', disabledPlans: [MAIL] }),
    ]);
    const enableMail = await running.call('POST', `/v1.0/groups/${GROUP_A}/assignLicense`, {
      addLicenses: [{ skuId: SKU_A, disabledPlans: [] }],
      removeLicenses: [],
    });
    expect(enableMail.status).toBe(202);
    await processingSettled(running.simulator);
    expect(await fromGroup('kiosk', GROUP_A)).toEqual([
      expect.objectContaining({
        state: 'ActiveWithError',
        error: 'MutuallyExclusiveViolation',
        disabledPlans: [MAIL],
      }),
    ]);
    expect(
      (await states('kiosk')).assignedLicenses.map((l: { skuId: string }) => l.skuId)
    ).toContain(SKU_A);
    const inError = await running.call(
      'GET',
      `/v1.0/groups/${GROUP_A}/membersWithLicenseErrors/microsoft.graph.user?$select=id`
    );
    expect(inError.body.value.map((u: { id: string }) => u.id)).toEqual(['kiosk']);
  });

  it('gives a new member in conflict Error, never applied', async () => {
    await running.call('POST', `/v1.0/groups/${GROUP_A}/assignLicense`, {
      addLicenses: [{ skuId: SKU_A, disabledPlans: [] }],
      removeLicenses: [],
    });
    await processingSettled(running.simulator);
    await running.call('DELETE', `/v1.0/groups/${GROUP_A}/members/kiosk/$ref`);
    await processingSettled(running.simulator);
    await running.call('POST', `/v1.0/groups/${GROUP_A}/members/$ref`, {
      '@odata.id': `${running.base}/v1.0/directoryObjects/kiosk`,
    });
    await processingSettled(running.simulator);
    expect(await fromGroup('kiosk', GROUP_A)).toEqual([
      expect.objectContaining({ state: 'Error', error: 'MutuallyExclusiveViolation' }),
    ]);
  });

  it('leaves the license ActiveWithError with DependencyViolation when a member leaves the group that gave a plan another license needs, until that is resolved', async () => {
    const removed = await running.call('DELETE', `/v1.0/groups/${GROUP_A}/members/audio/$ref`);
    expect(removed.status).toBe(204);
    await processingSettled(running.simulator);
    expect(await fromGroup('audio', GROUP_A)).toEqual([
      expect.objectContaining({ state: 'ActiveWithError', error: 'DependencyViolation' }),
    ]);
    const inError = await running.call(
      'GET',
      `/v1.0/groups/${GROUP_A}/membersWithLicenseErrors/microsoft.graph.user?$select=id`
    );
    expect(inError.body.value.map((u: { id: string }) => u.id)).toEqual(['audio']);
    // The admin gives Teams another way, then reprocesses the user: the group's license goes.
    const direct = await running.call('POST', '/v1.0/users/audio/assignLicense', {
      addLicenses: [{ skuId: SKU_A, disabledPlans: [MAIL] }],
      removeLicenses: [],
    });
    expect(direct.status).toBe(200);
    await running.call('POST', '/v1.0/users/audio/reprocessLicenseAssignment');
    expect(await fromGroup('audio', GROUP_A)).toEqual([]);
  });

  it('fails a member with a duplicate proxy address with UniquenessViolation', async () => {
    for (const twin of ['twin-1', 'twin-2']) {
      await running.call('POST', `/v1.0/groups/${GROUP_A}/members/$ref`, {
        '@odata.id': `${running.base}/v1.0/directoryObjects/${twin}`,
      });
    }
    await processingSettled(running.simulator);
    for (const twin of ['twin-1', 'twin-2']) {
      expect(await fromGroup(twin, GROUP_A)).toEqual([
        expect.objectContaining({ state: 'Error', error: 'UniquenessViolation' }),
      ]);
    }
  });

  it('shows every assignment of a suspended subscription Disabled, and no seat to assign', async () => {
    running.simulator.directory.setSubscriptionStatus(SKU_VISIO, 'Suspended');
    expect((await states('visio')).licenseAssignmentStates).toEqual([
      expect.objectContaining({ assignedByGroup: null, state: 'Disabled' }),
      expect.objectContaining({ assignedByGroup: GROUP_VISIO, state: 'Disabled' }),
    ]);
    const skus = await running.call('GET', '/v1.0/subscribedSkus');
    expect(skus.body.value.find((s: { skuId: string }) => s.skuId === SKU_VISIO)).toMatchObject({
      capabilityStatus: 'Suspended',
      prepaidUnits: { enabled: 0, suspended: 10 },
      consumedUnits: 1,
    });
    const add = await running.call('POST', '/v1.0/users/kiosk/assignLicense', {
      addLicenses: [{ skuId: SKU_VISIO, disabledPlans: [] }],
      removeLicenses: [],
    });
    expect(add.status).toBe(400);
  });
});
