import fc from 'fast-check';
import { proposeDynamicRules, rulePersonOf } from '../../src/domain/dynamic-rule-plan';
import { GroupPlanner } from '../../src/domain/group-plan';
import type { SkuSnapshot, UserLicenseSnapshot } from '../../src/domain/licenses';
import { catalogSku } from '../../src/simulator/sku-catalog';
import { assignment, userWith } from '../support/license-snapshots';

const sku = (
  part: Parameters<typeof catalogSku>[0],
  prepaidUnits: number,
  consumedUnits: number
): SkuSnapshot => {
  const { skuId, skuPartNumber, servicePlans } = catalogSku(part, prepaidUnits);
  return { skuId, skuPartNumber, prepaidUnits, consumedUnits, servicePlans };
};

/** Each person: in Finance or not, holding Office 365 E3 directly, through a group, or not, and EMS or not. */
const person = fc.record({
  finance: fc.boolean(),
  e3: fc.constantFrom('direct', 'group', 'none'),
  ems: fc.boolean(),
});

describe('what a dynamic licensing group would cost', () => {
  it('counts new seats, the shortfall and the Entra ID P1 its members need, exactly', () => {
    fc.assert(
      fc.property(
        fc.array(person, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 40 }),
        (people, spare) => {
          const office = sku('ENTERPRISEPACK', 0, 0);
          const ems = sku('EMS', 0, 0);
          // Holders: everyone in Finance with E3 directly, and one in Sales (an exception).
          const users: UserLicenseSnapshot[] = people.map((p, i) =>
            userWith(
              `u${i}`,
              [
                ...(p.e3 === 'direct' ? [assignment(office.skuId, null)] : []),
                ...(p.e3 === 'group' ? [assignment(office.skuId, 'g-old')] : []),
                ...(p.ems ? [assignment(ems.skuId, null)] : []),
              ],
              { ruleAttributes: { department: p.finance ? 'Finance' : 'Sales' } }
            )
          );
          const consumed = people.filter((p) => p.e3 !== 'none').length;
          const skus = [
            { ...office, prepaidUnits: consumed + spare, consumedUnits: consumed },
            { ...ems, prepaidUnits: 30, consumedUnits: people.filter((p) => p.ems).length },
          ];
          const planner = new GroupPlanner(new Map(skus.map((s) => [s.skuId, s])));
          users.forEach((u) => planner.add(u));
          const { variants } = proposeDynamicRules(
            planner.result(),
            users.map(rulePersonOf),
            skus,
            {
              minHolders: 1,
              minCoverage: 0,
              maxGainShare: 1000,
            }
          );
          const e3 = variants.find((v) => v.skuPartNumber === 'ENTERPRISEPACK');
          const offer = e3?.candidates.find((c) => c.text === '(user.department -eq "Finance")');
          fc.pre(offer !== undefined);
          const finance = people.filter((p) => p.finance);
          const newSeats = finance.filter((p) => p.e3 === 'none').length;
          expect(offer?.seats).toEqual({
            skuId: office.skuId,
            skuPartNumber: 'ENTERPRISEPACK',
            newSeats,
            available: spare,
            shortfall: Math.max(0, newSeats - spare),
          });
          // Everyone the rule matches is a member and needs P1; EMS E3 carries it.
          expect(offer?.p1).toEqual({
            needed: finance.length,
            seats: 30,
            products: ['EMS'],
            shortfall: Math.max(0, finance.length - 30),
            membersWithoutP1: finance.filter((p) => !p.ems).length,
          });
        }
      ),
      { numRuns: 100 }
    );
  });

  it('counts a member of two dynamic groups once for P1', () => {
    const office = sku('ENTERPRISEPACK', 10, 4);
    const ems = sku('EMS', 10, 4);
    const users = Array.from({ length: 4 }, (_, i) =>
      userWith(`u${i}`, [assignment(office.skuId, null), assignment(ems.skuId, null)], {
        ruleAttributes: { department: 'Finance' },
      })
    );
    const planner = new GroupPlanner(new Map([office, ems].map((s) => [s.skuId, s])));
    users.forEach((u) => planner.add(u));
    const plan = proposeDynamicRules(planner.result(), users.map(rulePersonOf), [office, ems], {
      minHolders: 1,
    });
    expect(plan.variants.map((v) => v.candidates[0]?.p1.needed)).toEqual([4, 4]);
    expect(plan.p1IfFirstCandidates).toMatchObject({ needed: 4, seats: 10, shortfall: 0 });
  });
});
