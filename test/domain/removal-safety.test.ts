import type { LicenseAssignmentSnapshot } from '../../src/domain/licenses';
import { assignment, userWith } from '../support/license-snapshots';
import type { RuleAttributes } from '../../src/domain/proposed-rule';
import { decideDirectRemovals, plansLostAfterRemoval } from '../../src/domain/removal-safety';
import type { DynamicLicensingGroup } from '../../src/domain/rule-drift';
import { e3Snapshot } from '../fixtures/skus';

const E3 = e3Snapshot();
const context = {
  skus: new Map([[E3.skuId, E3]]),
  groupNames: new Map([
    ['g1', 'LIC-E3'],
    ['g2', 'LIC-E3 (no Sway)'],
  ]),
};

const row = (
  assignedByGroup: string | null,
  disabledPlans: string[] = [],
  state = 'Active',
  error = 'None'
) => assignment(E3.skuId, assignedByGroup, disabledPlans, state, error);
const user = (...rows: LicenseAssignmentSnapshot[]) => userWith('u', rows);
const decide = (...rows: LicenseAssignmentSnapshot[]) =>
  decideDirectRemovals(user(...rows), context)[0];

describe('whether a direct license may go', () => {
  it('removes when an active, error-free group assignment enables every plan the direct one does', () => {
    const decision = decide(row(null, ['p-yammer']), row('g1', ['p-yammer']));
    expect(decision).toMatchObject({ decision: 'remove', groupIds: ['g1'] });
    expect(decision.reason).toBe(
      'Office 365 E3 is inherited from LIC-E3, active and without error, and enables every plan the direct assignment does.'
    );
  });

  it('skips a user no group licenses yet', () => {
    expect(decide(row(null))).toMatchObject({
      decision: 'skip',
      reason: expect.stringContaining('No group gives Office 365 E3 to this user yet'),
    });
  });

  it('skips a user whose group disables a plan the direct assignment enables, naming the plan', () => {
    const decision = decide(row(null), row('g1', ['p-yammer']));
    expect(decision.decision).toBe('skip');
    expect(decision.reason).toBe(
      'Removing the direct Office 365 E3 would switch off YAMMER_ENTERPRISE: LIC-E3 disables it.'
    );
  });

  it('counts the union of plans over several groups', () => {
    expect(decide(row(null), row('g1', ['p-yammer']), row('g2', ['p-sway'])).decision).toBe(
      'remove'
    );
  });

  it.each([
    ['Error', 'CountViolation'],
    ['ActiveWithError', 'Other'],
    ['Active', 'MutuallyExclusiveViolation'],
    ['Disabled', 'None'],
  ])('skips while the group assignment is %s with %s, saying what to fix', (state, error) => {
    const decision = decide(row(null), row('g1', [], state, error));
    expect(decision.decision).toBe('skip');
    expect(decision.reason).toContain('not active and error-free');
    expect(decision.reason).toContain('LIC-E3');
  });

  it('ignores an unhealthy group when a healthy one covers every plan', () => {
    expect(decide(row(null), row('g1', [], 'Error', 'CountViolation'), row('g2')).decision).toBe(
      'remove'
    );
  });

  it('counts only the groups the plan intends, when a plan is recorded', () => {
    const decision = decideDirectRemovals(user(row(null), row('g2')), {
      ...context,
      intendedGroups: new Map([[E3.skuId, new Set(['g1'])]]),
    })[0];
    expect(decision.decision).toBe('skip');
    expect(decision.reason).toContain('not a licensing group of the plan');
  });

  it('decides nothing for licenses that are only inherited', () => {
    expect(decideDirectRemovals(user(row('g1')), context)).toEqual([]);
  });

  it('skips a SKU the tenant no longer lists', () => {
    const decision = decideDirectRemovals(user({ ...row(null), skuId: 'retired' }), context)[0];
    expect(decision).toMatchObject({
      decision: 'skip',
      reason: expect.stringContaining('not among the tenant'),
    });
  });
});

describe('whether a dynamic group counts as the path that keeps the license', () => {
  const dynamic: DynamicLicensingGroup = {
    groupId: 'g-dyn',
    displayName: 'LIC-E3 (dynamic)',
    rule: { clauses: [{ property: 'department', values: ['Finance'] }] },
    ruleText: '(user.department -eq "Finance")',
    exceptionsName: 'LIC-E3 (exceptions)',
  };
  const withRules = { ...context, dynamicGroups: [dynamic] };
  const userIn = (
    ruleAttributes: RuleAttributes | undefined,
    ...rows: LicenseAssignmentSnapshot[]
  ) => userWith('u', rows, ruleAttributes ? { ruleAttributes } : {});

  it('removes when the user still matches the rule, whatever the case of the value', () => {
    const finance = userIn({ department: 'FINANCE' }, row(null), row('g-dyn'));
    expect(decideDirectRemovals(finance, withRules)[0].decision).toBe('remove');
  });

  it('keeps the direct license of a member whose department was emptied, naming the attribute and the exceptions group', () => {
    const emptied = userIn({ department: null }, row(null), row('g-dyn'));
    expect(decideDirectRemovals(emptied, withRules)[0]).toEqual({
      decision: 'skip',
      skuId: E3.skuId,
      groupIds: ['g-dyn'],
      reason:
        'Office 365 E3 comes only from "LIC-E3 (dynamic)", whose rule (user.department -eq "Finance") no longer matches them (their department is empty): Entra would take the license away when it next computes the group\'s members, so the direct assignment stays. Fix the attribute, or add them to "LIC-E3 (exceptions)".',
    });
  });

  it('names the value of a member who moved to another department', () => {
    const moved = userIn({ department: 'Sales' }, row(null), row('g-dyn'));
    expect(decideDirectRemovals(moved, withRules)[0].reason).toContain(
      'no longer matches them (their department is "Sales")'
    );
  });

  it('does not trust the rule for a user read without attributes', () => {
    const unread = userIn(undefined, row(null), row('g-dyn'));
    expect(decideDirectRemovals(unread, withRules)[0]).toMatchObject({
      decision: 'skip',
      reason: expect.stringContaining('could not be checked against them'),
    });
  });

  it('removes when a static group covers a member the rule no longer matches', () => {
    const covered = userIn({ department: null }, row(null), row('g-dyn'), row('g1'));
    expect(decideDirectRemovals(covered, withRules)[0]).toMatchObject({
      decision: 'remove',
      groupIds: ['g1'],
    });
  });

  it('counts a license left only through a rule that no longer matches as lost after the removal', () => {
    const after = userIn({ department: null }, row('g-dyn'));
    expect(plansLostAfterRemoval(after, E3, E3.skuId, [], [dynamic])).toHaveLength(3);
    const stillFinance = userIn({ department: 'Finance' }, row('g-dyn'));
    expect(plansLostAfterRemoval(stillFinance, E3, E3.skuId, [], [dynamic])).toEqual([]);
  });
});
