import type { DynamicChoice } from '../../src/domain/dynamic-choice';
import { withDynamicGroups } from '../../src/domain/dynamic-choice';
import type { PlannedGroup } from '../../src/domain/group-plan';
import { groupsAsProven } from '../../src/domain/proven-groups';
import { compareShadowGroup, proofSummary } from '../../src/domain/shadow-proof';

/** What the proof of a shadow group licenses: Entra's view wins, an exceptions group covers who it left out. */
describe('the groups licensed after the proof', () => {
  const user = (id: string) => ({ id, userPrincipalName: `${id}@contoso.example` });
  const variant: PlannedGroup = {
    skuId: 'sku-e3',
    skuPartNumber: 'ENTERPRISEPACK',
    disabledPlans: ['yammer'],
    displayName: 'LIC Office 365 E3',
    mailNickname: 'lic-office-365-e3',
    existingGroupId: null,
    userIds: ['ann', 'bob', 'cy'],
    toAdd: 3,
    sampleUserPrincipalNames: [],
  };
  const choice = (misses: string[]): DynamicChoice => ({
    variantName: 'LIC Office 365 E3',
    skuId: 'sku-e3',
    rule: { clauses: [{ property: 'department', values: ['Finance'] }] },
    ruleText: '(user.department -eq "Finance")',
    expected: ['ann', 'bob', 'cy'].filter((id) => !misses.includes(id)).map(user),
    misses: misses.map(user),
    gainCount: 0,
    gainSample: [],
    chosenBy: { id: 'admin', name: 'Admin' },
    chosenAt: '2026-01-01T00:00:00Z',
  });
  const dynamicName = 'LIC Office 365 E3 (dynamic)';

  it('creates an exceptions group for a holder Entra left out when the rule was expected to miss nobody', () => {
    const chosen = choice([]);
    const planned = withDynamicGroups([variant], [chosen]);
    expect(planned.map((g) => g.displayName)).toEqual([dynamicName]);

    const proven = compareShadowGroup(chosen, dynamicName, new Set(['ann', 'bob']), true);
    const licensed = groupsAsProven(planned, [proven]);

    expect(licensed.map((g) => g.displayName)).toEqual([
      dynamicName,
      'LIC Office 365 E3 (exceptions)',
    ]);
    const exceptions = licensed[1];
    expect(exceptions).toMatchObject({
      userIds: ['cy'],
      toAdd: 1,
      sampleUserPrincipalNames: ['cy@contoso.example'],
      exceptionsFor: dynamicName,
      mailNickname: 'lic-office-365-e3-exc',
      skuId: 'sku-e3',
      disabledPlans: ['yammer'],
    });
    // A static group, licensed like the direct assignments: never a second dynamic one.
    expect(exceptions.membershipRule).toBeUndefined();
    expect(proofSummary([proven], new Map()).join('\n')).toContain(
      'Exceptions group: 1 (cy@contoso.example).'
    );
  });

  it('adds a holder Entra left out to the planned exceptions group, after the misses', () => {
    const chosen = choice(['cy']);
    const planned = withDynamicGroups([variant], [chosen]);
    const proven = compareShadowGroup(chosen, dynamicName, new Set(['ann']), true);
    const licensed = groupsAsProven(planned, [proven]);
    expect(licensed).toHaveLength(2);
    expect(licensed[1]).toMatchObject({ userIds: ['cy', 'bob'], toAdd: 2 });
  });

  it('leaves the groups as planned when Entra computed exactly the expected members', () => {
    const chosen = choice([]);
    const planned = withDynamicGroups([variant], [chosen]);
    const proven = compareShadowGroup(chosen, dynamicName, new Set(['ann', 'bob', 'cy']), true);
    expect(groupsAsProven(planned, [proven])).toEqual(planned);
  });
});
