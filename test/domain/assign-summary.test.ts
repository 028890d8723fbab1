import { assignSummary, nothingToAssign } from '../../src/domain/approval-summaries';
import { withDynamicGroups, type DynamicChoice } from '../../src/domain/dynamic-choice';
import type { GroupPlan, PlannedGroup } from '../../src/domain/group-plan';

/** What the assignment's sign-off card says of each group, static or dynamic. */
describe("the assignment's sign-off summary", () => {
  const group = (name: string, skuPartNumber: string, userIds: string[]): PlannedGroup => ({
    skuId: `sku-${skuPartNumber}`,
    skuPartNumber,
    disabledPlans: [],
    displayName: name,
    mailNickname: name.toLowerCase().replace(/ /g, '-'),
    existingGroupId: null,
    userIds,
    toAdd: userIds.length,
    sampleUserPrincipalNames: userIds.map((id) => `${id}@contoso.example`),
  });
  const e3 = group('LIC Office 365 E3', 'ENTERPRISEPACK', ['ann', 'bob', 'cy']);
  const ems = group('LIC EMS E3', 'EMSPREMIUM', ['dee']);
  const plan: GroupPlan = { groups: [e3, ems], newSeats: {}, warnings: ['A warning.'] };
  const choice: DynamicChoice = {
    variantName: e3.displayName,
    skuId: e3.skuId,
    rule: { clauses: [{ property: 'department', values: ['Finance'] }] },
    ruleText: '(user.department -eq "Finance")',
    expected: ['ann', 'bob'].map((id) => ({ id, userPrincipalName: `${id}@contoso.example` })),
    misses: [{ id: 'cy', userPrincipalName: 'cy@contoso.example' }],
    gainCount: 0,
    gainSample: [],
    chosenBy: { id: 'admin', name: 'Admin' },
    chosenAt: '2026-01-01T00:00:00Z',
  };

  it('describes a chosen variant by its rule and numbers, its exceptions group within them, and other variants as static groups', () => {
    const groups = withDynamicGroups(plan.groups, [choice]);
    const summary = assignSummary(plan, groups, { dynamic: [choice], notes: ['A note.'] });
    expect(summary[0]).toContain(
      'Create the dynamic group "LIC Office 365 E3 (dynamic)" with the rule (user.department -eq "Finance")'
    );
    expect(summary.join('\n')).toContain(
      'it misses 1 (cy@contoso.example), who go to the static group "LIC Office 365 E3 (exceptions)"'
    );
    expect(summary.filter((line) => line.startsWith('Create "LIC Office 365 E3'))).toEqual([]);
    expect(summary).toContainEqual(
      expect.stringMatching(
        /^Create "LIC EMS E3" with 1 members \(e\.g\. dee@contoso\.example\) and assign it .+\.$/
      )
    );
    expect(summary.slice(-2)).toEqual(['A warning.', 'A note.']);
  });

  it('says why there is nothing to assign', () => {
    expect(nothingToAssign({ groups: [], newSeats: {}, warnings: [] }, [])).toContain(
      'Nobody holds a license directly'
    );
    expect(nothingToAssign(plan, [])).toContain('already matched by a licensing group');
    expect(nothingToAssign(plan, plan.groups)).toBeNull();
  });
});
