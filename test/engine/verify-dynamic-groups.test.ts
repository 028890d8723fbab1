import type { DynamicLicensingGroup } from '../../src/domain/dynamic-licensing-group';
import { verifyDirectRemovals } from '../../src/engine/verify-removals';
import { e3Snapshot } from '../fixtures/skus';
import { InMemoryDirectory, activeRow, userNamed } from '../support/in-memory-directory';

const E3 = e3Snapshot();
const DYNAMIC: DynamicLicensingGroup = {
  groupId: 'g-dyn',
  displayName: 'LIC Office 365 E3 (dynamic)',
  rule: { clauses: [{ property: 'department', values: ['Finance'] }] },
  ruleText: '(user.department -eq "Finance")',
  exceptionsName: 'LIC Office 365 E3 (exceptions)',
};

/** Two holders with the license both directly and from the dynamic group; one no longer matches its rule. */
function tenant(): InMemoryDirectory {
  const holder = (id: string, department: string | null) => ({
    ...userNamed(id),
    licenseAssignmentStates: [activeRow(E3.skuId, null), activeRow(E3.skuId, 'g-dyn')],
    ruleAttributes: { department },
  });
  return new InMemoryDirectory([E3])
    .withGroup('g-dyn', DYNAMIC.displayName, [E3.skuId])
    .withUsers(holder('megan', 'Finance'), holder('ava', null));
}

describe('verify, with a dynamic licensing group', () => {
  it('counts the group only for users who still match its rule: the others must stay, with the reason', async () => {
    const result = await verifyDirectRemovals(tenant(), undefined, [DYNAMIC]);
    const decisionOf = (id: string) => result.users.find((u) => u.id === id);
    expect(decisionOf('megan')?.decision).toBe('remove');
    expect(decisionOf('ava')).toMatchObject({
      decision: 'skip',
      reason: expect.stringContaining('no longer matches them (their department is empty)'),
    });
  });

  it('without the rules (a read with no migration record), the group counts as any group does', async () => {
    const result = await verifyDirectRemovals(tenant());
    expect(result.users.map((u) => u.decision)).toEqual(['remove', 'remove']);
  });
});
