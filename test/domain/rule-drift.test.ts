import type { LicenseAssignmentSnapshot } from '../../src/domain/licenses';
import type { RuleAttributes } from '../../src/domain/proposed-rule';
import { ruleDriftFinding, type DynamicLicensingGroup } from '../../src/domain/rule-drift';

/** The follow-up's warning for a user licensed only by a dynamic group whose rule no longer matches them. */
describe('a dynamic group member who stopped matching its rule', () => {
  const finance: DynamicLicensingGroup = {
    groupId: 'g-dyn',
    displayName: 'LIC Office 365 E3 (dynamic)',
    rule: { clauses: [{ property: 'department', values: ['Finance'] }] },
    ruleText: '(user.department -eq "Finance")',
    exceptionsName: 'LIC Office 365 E3 (exceptions)',
  };
  const target = { intentId: 'i1', userId: 'u1', skuId: 'sku-e3', disabledPlans: [] };
  const row = (assignedByGroup: string | null): LicenseAssignmentSnapshot => ({
    skuId: 'sku-e3',
    assignedByGroup,
    disabledPlans: [],
    state: 'Active',
    error: 'None',
  });
  const check = (
    attributes: RuleAttributes | undefined,
    rows = [row('g-dyn')],
    groups = [finance]
  ) =>
    ruleDriftFinding(
      target,
      {
        id: 'u1',
        userPrincipalName: 'megan@contoso.example',
        accountEnabled: true,
        usageLocation: 'US',
        licenseAssignmentStates: rows,
        ...(attributes ? { ruleAttributes: attributes } : {}),
      },
      groups,
      'Office 365 E3'
    );

  it('warns, naming the attribute and its value, when the only path is a dynamic group the user no longer matches', () => {
    expect(check({ department: 'Fiannce' })).toMatchObject({
      problem: 'rule-drift',
      needsRestore: false,
      detail: expect.stringContaining(
        'no longer matches them (their department is "Fiannce"): Entra takes the license away when it next computes'
      ),
    });
    expect(check({})?.detail).toContain('their department is empty');
  });

  it('says nothing while the rule matches, whatever the case', () => {
    expect(check({ department: 'FINANCE' })).toBeNull();
  });

  it('says nothing of a user who keeps another path: a static group or a direct assignment', () => {
    expect(check({ department: '' }, [row('g-dyn'), row('g-exceptions')])).toBeNull();
    expect(check({ department: '' }, [row('g-dyn'), row(null)])).toBeNull();
  });

  it('says nothing when the attributes were not read', () => {
    expect(check(undefined)).toBeNull();
  });

  it('offers a static group licensed the same way when the rule missed nobody', () => {
    expect(check({}, [row('g-dyn')], [{ ...finance, exceptionsName: null }])?.detail).toContain(
      'Fix the attribute, or add them to a static group licensed the same way.'
    );
  });
});
