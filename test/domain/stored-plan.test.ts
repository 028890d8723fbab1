import fc from 'fast-check';
import type { PlannedGroup } from '../../src/domain/group-plan';
import { planDigest } from '../../src/domain/migration-record';
import {
  inlineMembersOf,
  membersOf,
  plannedUserCount,
  storedGroupOf,
  withMembers,
} from '../../src/domain/stored-plan';

const plannedGroup = fc.record({
  skuId: fc.uuid(),
  skuPartNumber: fc.constantFrom('EMS', 'ENTERPRISEPACK'),
  disabledPlans: fc.array(fc.uuid(), { maxLength: 3 }),
  displayName: fc.string({ minLength: 1, maxLength: 12 }),
  mailNickname: fc.string({ maxLength: 12 }),
  existingGroupId: fc.option(fc.uuid(), { nil: null }),
  userIds: fc.array(fc.uuid(), { maxLength: 30 }),
  toAdd: fc.nat(30),
  sampleUserPrincipalNames: fc.array(fc.emailAddress(), { maxLength: 5 }),
}) as fc.Arbitrary<PlannedGroup>;
const plan = fc.uniqueArray(plannedGroup, { selector: (g) => g.displayName, maxLength: 6 });

describe('the group plan as the record keeps it, its members apart', () => {
  it('keeps no member id of any plan, counts them, and gives back the plan with the same digest', () => {
    fc.assert(
      fc.property(plan, (groups) => {
        const stored = groups.map(storedGroupOf);
        expect(stored.some((g) => 'userIds' in g)).toBe(false);
        expect(stored.map(plannedUserCount)).toEqual(groups.map((g) => g.userIds.length));
        const again = withMembers(stored, membersOf(groups));
        expect(again).toEqual(groups);
        expect(planDigest(again ?? [])).toBe(planDigest(groups));
      })
    );
  });

  it('gives back no plan when a group has no members stored', () => {
    fc.assert(
      fc.property(
        plan.filter((g) => g.length > 0),
        fc.nat(),
        (groups, n) => {
          const members = { ...membersOf(groups) };
          delete (members as Record<string, unknown>)[groups[n % groups.length].displayName];
          expect(withMembers(groups.map(storedGroupOf), members)).toBeNull();
        }
      )
    );
  });

  it('reads the ids of a record written with them inline, and counts them', () => {
    const legacy: PlannedGroup = {
      skuId: 'sku',
      skuPartNumber: 'EMS',
      disabledPlans: [],
      displayName: 'LIC EMS',
      mailNickname: 'lic-ems',
      existingGroupId: null,
      userIds: ['a', 'b'],
      toAdd: 2,
      sampleUserPrincipalNames: ['a@contoso.example'],
    };
    expect(inlineMembersOf([legacy])).toEqual([legacy]);
    expect(plannedUserCount(legacy)).toBe(2);
    expect(inlineMembersOf([storedGroupOf(legacy)])).toBeNull();
    expect(plannedUserCount(storedGroupOf(legacy))).toBe(2);
  });
});
