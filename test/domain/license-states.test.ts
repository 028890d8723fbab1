import type { LicenseAssignmentSnapshot } from '../../src/domain/licenses';
import { assignment, userWith } from '../support/license-snapshots';
import { decideDirectRemovals } from '../../src/domain/removal-safety';
import { checkRemovedAssignment } from '../../src/domain/follow-up';
import { assignmentAdvice } from '../../src/domain/license-errors';
import { e3Snapshot } from '../fixtures/skus';

/**
 * Every state and error Graph documents for licenseAssignmentState
 * (https://learn.microsoft.com/graph/api/resources/licenseassignmentstate): only `Active` without error
 * counts as covered, and each other combination says what is wrong and what fixes it.
 */
const STATES = ['Active', 'ActiveWithError', 'Disabled', 'Error'] as const;
const ERRORS = [
  'None',
  'CountViolation',
  'MutuallyExclusiveViolation',
  'DependencyViolation',
  'ProhibitedInUsageLocationViolation',
  'UniquenessViolation',
  'Other',
] as const;
const CASES = STATES.flatMap((state) => ERRORS.map((error) => [state, error] as const));

const E3 = e3Snapshot({ plans: ['p-mail'] });
const context = { skus: new Map([[E3.skuId, E3]]), groupNames: new Map([['g1', 'LIC-E3']]) };
const rows = (state: string, error: string): LicenseAssignmentSnapshot[] => [
  assignment(E3.skuId, null, [], 'Active', 'None'),
  assignment(E3.skuId, 'g1', [], state, error),
];

describe('each license assignment state and error', () => {
  it.each(CASES)('a group assignment %s with error %s', (state, error) => {
    const covered = state === 'Active' && error === 'None';
    const decision = decideDirectRemovals(userWith('u', rows(state, error)), context)[0];
    expect(decision.decision).toBe(covered ? 'remove' : 'skip');
    const advice = assignmentAdvice(state, error);
    if (covered) {
      expect(advice).toBeNull();
      return;
    }
    // The wave's skip reason names the group, the state and the error, and carries the advice.
    expect(decision.reason).toContain(`LIC-E3 is ${state}`);
    if (error !== 'None' && state !== 'Disabled') expect(decision.reason).toContain(error);
    expect(advice).not.toBeNull();
    expect(decision.reason).toContain(advice?.fix);
    // The follow-up reports it too, whatever the state.
    const finding = checkRemovedAssignment(
      { intentId: 'i', userId: 'u', skuId: E3.skuId, disabledPlans: [] },
      userWith('u', rows(state, error).slice(1)),
      E3,
      context.groupNames
    );
    expect(finding).not.toBeNull();
  });

  it('says a disabled subscription is fixed by reactivating it, not by reprocessing', () => {
    for (const error of ERRORS) {
      const advice = assignmentAdvice('Disabled', error);
      expect(advice?.cause).toMatch(/subscription is suspended or locked out/);
      expect(advice?.fix).toMatch(/reprocessing does not help/);
    }
  });

  it('says a license still applied in error is still applied', () => {
    for (const error of ERRORS.filter((e) => e !== 'None' && e !== 'DependencyViolation')) {
      expect(assignmentAdvice('ActiveWithError', error)?.cause).toMatch(/still applied/);
    }
  });

  it('explains a license kept in DependencyViolation after the user left the group', () => {
    const advice = assignmentAdvice('ActiveWithError', 'DependencyViolation');
    expect(advice?.cause).toMatch(/left the group/);
    expect(advice?.fix).toMatch(/required plan another way/);
  });
});
