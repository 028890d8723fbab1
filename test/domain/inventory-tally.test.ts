import { InventoryTally } from '../../src/domain/inventory';
import type { SkuSnapshot } from '../../src/domain/licenses';
import { assignment, userWith } from '../support/license-snapshots';
import { e3Snapshot } from '../fixtures/skus';

const E3 = e3Snapshot({ consumedUnits: 4, plans: [] });
const EMS: SkuSnapshot = {
  skuId: 'sku-ems',
  skuPartNumber: 'EMS',
  prepaidUnits: 3,
  consumedUnits: 3,
  servicePlans: [],
};

const direct = (skuId: string) => assignment(skuId, null);
const fromGroup = (skuId: string, group: string) => assignment(skuId, group);
const user = userWith;

describe('the inventory says how each SKU is held', () => {
  it('counts a user once per SKU as direct only, inherited only, or both', () => {
    const tally = new InventoryTally([E3, EMS]);
    tally.add(user('a', [direct('sku-e3')]));
    tally.add(user('b', [fromGroup('sku-e3', 'g1')]));
    // Two groups and a direct assignment: still one user holding the SKU both ways.
    tally.add(user('c', [direct('sku-e3'), fromGroup('sku-e3', 'g1'), fromGroup('sku-e3', 'g2')]));
    tally.add(user('d', [fromGroup('sku-e3', 'g1'), fromGroup('sku-e3', 'g2'), direct('sku-ems')]));
    const e3 = tally.result().skus[0];
    expect([e3.directOnly, e3.inheritedOnly, e3.both]).toEqual([1, 2, 1]);
    expect(tally.result().skus[1].directOnly).toBe(1);
  });

  it('reports seats prepaid, consumed and available, never negative', () => {
    const overused: SkuSnapshot = { ...EMS, prepaidUnits: 2, consumedUnits: 3 };
    const [e3, ems] = new InventoryTally([E3, overused]).result().skus;
    expect([e3.prepaidUnits, e3.consumedUnits, e3.availableUnits]).toEqual([10, 4, 6]);
    expect(ems.availableUnits).toBe(0);
  });

  it('counts licensed users that are disabled or have no usage location, and ignores unlicensed users', () => {
    const tally = new InventoryTally([E3]);
    tally.add(user('off', [direct('sku-e3')], { accountEnabled: false }));
    tally.add(user('nowhere', [direct('sku-e3')], { usageLocation: null }));
    tally.add(user('unlicensed', [], { accountEnabled: false, usageLocation: null }));
    const result = tally.result();
    expect(result.userCount).toBe(3);
    expect(result.licensedUserCount).toBe(2);
    expect(result.disabledLicensedUsers).toBe(1);
    expect(result.licensedUsersWithoutUsageLocation).toBe(1);
  });

  it('does not count a group assignment in error as held', () => {
    const tally = new InventoryTally([E3]);
    tally.add(
      user('err', [{ ...fromGroup('sku-e3', 'g1'), state: 'Error', error: 'CountViolation' }])
    );
    tally.add(
      user('mixed', [
        direct('sku-e3'),
        { ...fromGroup('sku-e3', 'g1'), state: 'Error', error: 'CountViolation' },
      ])
    );
    const e3 = tally.result().skus[0];
    expect([e3.directOnly, e3.inheritedOnly, e3.both]).toEqual([1, 0, 0]);
    expect(tally.result().licensedUserCount).toBe(1);
  });

  it('names SKUs that users hold but the tenant does not list', () => {
    const tally = new InventoryTally([E3]);
    tally.add(user('a', [direct('sku-retired')]));
    expect(tally.result().unknownSkuIds).toEqual(['sku-retired']);
  });
});
