import { GroupPlanner } from '../../src/domain/group-plan';
import { assignment, userWith } from '../support/license-snapshots';
import { e3Snapshot } from '../fixtures/skus';

const E3 = e3Snapshot({ consumedUnits: 4, plans: ['p-yammer', 'p-sway'] });
const skus = new Map([[E3.skuId, E3]]);
const row = (assignedByGroup: string | null, disabledPlans: string[] = []) =>
  assignment(E3.skuId, assignedByGroup, disabledPlans);
const user = userWith;

describe('planning licensing groups from the direct assignments', () => {
  it('proposes one group per SKU and distinct set of disabled plans, named after what they leave out', () => {
    const planner = new GroupPlanner(skus);
    planner.add(user('a', [row(null)]));
    planner.add(user('b', [row(null, ['p-sway', 'p-yammer'])]));
    planner.add(user('c', [row(null, ['p-yammer', 'p-sway'])]));
    const plan = planner.result();
    expect(plan.groups.map((g) => [g.displayName, g.userIds.length])).toEqual([
      ['LIC Office 365 E3', 1],
      ['LIC Office 365 E3 (without SWAY, YAMMER_ENTERPRISE)', 2],
    ]);
    expect(plan.groups[1].mailNickname).toBe('lic-enterprisepack-no-sway-yammerenterprise');
    expect(plan.warnings).toContain(
      'Office 365 E3 is assigned with 2 different sets of disabled plans: one group each.'
    );
  });

  it('reuses an existing group with the same SKU and disabled plans, counting only members it does not license yet', () => {
    const planner = new GroupPlanner(skus, [
      {
        id: 'g1',
        displayName: 'LIC-E3',
        licenses: [{ skuId: E3.skuId, disabledPlans: ['p-yammer'] }],
        nestedGroupCount: 2,
      },
    ]);
    planner.add(user('a', [row(null, ['p-yammer']), row('g1', ['p-yammer'])]));
    planner.add(user('b', [row(null, ['p-yammer'])]));
    const [group] = planner.result().groups;
    expect(group).toMatchObject({ existingGroupId: 'g1', displayName: 'LIC-E3', toAdd: 1 });
    expect(planner.result().warnings[0]).toContain('LIC-E3 has 2 nested group(s)');
  });

  it('forecasts no new seats: everyone planned already holds the SKU directly', () => {
    const planner = new GroupPlanner(skus);
    planner.add(user('a', [row(null)]));
    expect(planner.result().newSeats).toEqual({ ENTERPRISEPACK: 0 });
  });

  it('warns about users without usage location and disabled accounts, and ignores inherited-only users', () => {
    const planner = new GroupPlanner(skus);
    planner.add(user('nowhere', [row(null)], { usageLocation: null }));
    planner.add(user('off', [row(null)], { accountEnabled: false }));
    planner.add(user('inherits', [row('g9')]));
    const plan = planner.result();
    expect(plan.groups[0].userIds).toEqual(['nowhere', 'off']);
    expect(plan.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('1 user(s) have no usage location'),
        expect.stringContaining('1 disabled account(s)'),
      ])
    );
  });
});
