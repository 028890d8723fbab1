import type { TenantFixture } from '../../src/simulator/tenant-fixture';
import { runningSimulator } from '../support/running-simulator';
import { processingSettled } from '../support/processing';
import { fixtureSku, smallTenant } from '../fixtures/small-tenant';

const SKU = 'aaaaaaaa-0000-4000-8000-00000000000a';
const PLAN = '11111111-0000-4000-8000-000000000001';
const MEMBERS = 200;

function tenant(): TenantFixture {
  const users = Array.from({ length: MEMBERS + 1 }, (_, i) => ({
    id: `u${i}`,
    userPrincipalName: `u${i}@contoso.example`,
    displayName: `User ${i}`,
    usageLocation: i % 10 === 0 ? null : 'US',
  }));
  return smallTenant({
    subscribedSkus: [fixtureSku(SKU, 'SKU', { PLAN }, 1000)],
    users,
    groups: [
      {
        id: 'g',
        displayName: 'Big group',
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: users.slice(0, MEMBERS).map((u) => u.id),
      },
    ],
  });
}

describe('group license processing runs at a rate, member by member', () => {
  const running = runningSimulator(() => ({
    tenant: tenant(),
    timings: { queuedMs: 300, usersPerSecond: 400 },
    auditLatencyMs: 0, // what processing records, not when it can be read
  }));
  const licensed = () =>
    [...running.simulator.directory.users.values()].filter(
      (u) => running.simulator.directory.assignedLicenses(u).length > 0
    ).length;
  const state = async () =>
    (await running.call('GET', '/v1.0/groups/g?$select=licenseProcessingState')).body
      .licenseProcessingState?.state;

  it('licenses members gradually while in progress, and all of them by completion, the unlocated ones in the tenant country', async () => {
    await running.call('POST', '/v1.0/groups/g/assignLicense', {
      addLicenses: [{ skuId: SKU, disabledPlans: [] }],
      removeLicenses: [],
    });
    let sawPartial = false;
    for (let i = 0; i < 400 && (await state()) !== 'ProcessingComplete'; i++) {
      const count = licensed();
      if (count > 0 && count < MEMBERS && (await state()) === 'ProcessingInProgress')
        sawPartial = true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await state()).toBe('ProcessingComplete');
    expect(sawPartial).toBe(true);
    expect(licensed()).toBe(MEMBERS);
  });

  it('keeps its rate in simulated time while the simulator is too busy to process on time', async () => {
    await running.call('POST', '/v1.0/groups/g/assignLicense', {
      addLicenses: [{ skuId: SKU, disabledPlans: [] }],
      removeLicenses: [],
    });
    while ((await state()) !== 'ProcessingInProgress')
      await new Promise((resolve) => setTimeout(resolve, 5));
    // The simulator's thread held up for longer than the whole group takes at 400 users/s (0.5 s):
    // Entra's processing does not wait for it, so the next slice licenses everyone left.
    const busyUntil = Date.now() + 700;
    while (Date.now() < busyUntil);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(licensed()).toBe(MEMBERS);
    expect(await state()).toBe('ProcessingComplete');
  });

  it('re-evaluates just the member when membership changes', async () => {
    await running.call('POST', '/v1.0/groups/g/assignLicense', {
      addLicenses: [{ skuId: SKU, disabledPlans: [] }],
      removeLicenses: [],
    });
    await processingSettled(running.simulator);
    await running.call('POST', '/v1.0/groups/g/members/$ref', {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/u${MEMBERS}`,
    });
    expect(await state()).toBe('QueuedForProcessing');
    await processingSettled(running.simulator);
    const finishes = (
      await running.call(
        'GET',
        `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Finish applying group based license to users'")}`
      )
    ).body.value;
    expect(finishes[0].targetResources[0].modifiedProperties[0].newValue).toBe(
      '[Users successfully assigned licenses: 1, Users for whom license assignment failed: 0.];'
    );
    expect(licensed()).toBe(MEMBERS + 1);
  });
});
