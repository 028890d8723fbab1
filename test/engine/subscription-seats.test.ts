import { takeInventory } from '../../src/engine/take-inventory';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import type { SubscriptionStatus } from '../../src/simulator/tenant-fixture';
import { graphCall } from '../support/graph-http';
import { simulatorGraphClient } from '../support/simulator-graph-client';

/**
 * subscribedSku.prepaidUnits splits a subscription's seats by its state (licenseUnitsDetail): `warning`
 * units belong to an expired subscription in its grace period, still assignable; `suspended` and
 * `lockedOut` units cannot be assigned. The bot counts enabled + warning as the seats it can use.
 */
describe('seats of a subscription that is not Enabled', () => {
  let simulator: TenantSimulator;
  afterEach(async () => {
    await simulator.stop();
  });

  /** The demo tenant with Office 365 E3 (250 seats, 200 held) in the given state. */
  async function tenantWithE3(status: SubscriptionStatus) {
    const tenant = buildDemoTenant();
    simulator = new TenantSimulator({
      tenant: {
        ...tenant,
        subscribedSkus: tenant.subscribedSkus.map((sku) =>
          sku.skuPartNumber === 'ENTERPRISEPACK' ? { ...sku, capabilityStatus: status } : sku
        ),
      },
    });
    const base = await simulator.start();
    const inventory = await takeInventory(new GraphTenantReader(simulatorGraphClient(base)));
    const e3 = inventory.skus.find((sku) => sku.skuPartNumber === 'ENTERPRISEPACK');
    return { base, e3 };
  }

  it('counts an expired subscription’s seats in its grace period (Warning) as seats to assign', async () => {
    const { base, e3 } = await tenantWithE3('Warning');

    expect(e3).toMatchObject({ prepaidUnits: 250, consumedUnits: 200, availableUnits: 50 });
    // As Graph does: a seat in warning can still be assigned, and is then used.
    const reader = new GraphTenantReader(simulatorGraphClient(base));
    let newcomer: string | undefined;
    await reader.forEachUser((user) => {
      const holdsE3 = user.licenseAssignmentStates.some((row) => row.skuId === e3?.skuId);
      if (!newcomer && !holdsE3 && user.usageLocation) newcomer = user.id;
    });
    const assigned = await graphCall(base, 'POST', `/v1.0/users/${newcomer}/assignLicense`, {
      addLicenses: [{ skuId: e3?.skuId, disabledPlans: [] }],
      removeLicenses: [],
    });
    expect(assigned.status).toBe(200);
    const [after] = (await reader.subscribedSkus()).filter((sku) => sku.skuId === e3?.skuId);
    expect(after).toMatchObject({ prepaidUnits: 250, consumedUnits: 201 });
  });

  it.each<SubscriptionStatus>(['Suspended', 'LockedOut'])(
    'counts no seat to assign in a %s subscription',
    async (status) => {
      const { e3 } = await tenantWithE3(status);
      expect(e3).toMatchObject({ prepaidUnits: 0, consumedUnits: 200, availableUnits: 0 });
    }
  );
});
