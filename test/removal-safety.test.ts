import type { LicenseAssignmentSnapshot } from '../src/domain/licenses';
import { assignment, userWith } from './support/license-snapshots';
import { decideDirectRemovals } from '../src/domain/removal-safety';
import { e3Snapshot } from './fixtures/skus';

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
