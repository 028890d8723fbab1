import {
  directAssignmentOf,
  directAssignmentsOf,
  holdsAnyDirectly,
  holdsDirectly,
} from '../../src/domain/direct-assignment';
import { EMS, OFFICE_E3 as E3 } from '../fixtures/skus';
import { assignment, userWith } from '../support/license-snapshots';

const GROUP = 'a1b2c3d4-0000-0000-0000-000000000001';

describe('whether a user holds a SKU directly', () => {
  const cases: {
    name: string;
    rows: ReturnType<typeof assignment>[];
    skuId: string;
    holds: boolean;
  }[] = [
    { name: 'a direct row of the SKU', rows: [assignment(E3, null)], skuId: E3, holds: true },
    {
      name: 'a direct row whose id Graph spells in capitals',
      rows: [assignment(E3.toUpperCase(), null)],
      skuId: E3,
      holds: true,
    },
    {
      name: 'a direct row asked about in capitals',
      rows: [assignment(E3, null)],
      skuId: E3.toUpperCase(),
      holds: true,
    },
    {
      name: 'a direct row in error (still what a removal would take)',
      rows: [assignment(E3, null, [], 'Error', 'CountViolation')],
      skuId: E3,
      holds: true,
    },
    { name: 'only a group gives the SKU', rows: [assignment(E3, GROUP)], skuId: E3, holds: false },
    {
      name: 'a direct row of another SKU',
      rows: [assignment(EMS, null)],
      skuId: E3,
      holds: false,
    },
    { name: 'no rows at all', rows: [], skuId: E3, holds: false },
  ];
  it.each(cases)('$name: $holds', ({ rows, skuId, holds }) => {
    expect(holdsDirectly(userWith('u1', rows), skuId)).toBe(holds);
  });

  it('returns the direct row itself, with its disabled plans, not the group one beside it', () => {
    const user = userWith('u1', [
      assignment(E3, GROUP, ['p1']),
      assignment(E3.toUpperCase(), null, ['p2']),
    ]);
    expect(directAssignmentOf(user, E3)?.disabledPlans).toEqual(['p2']);
    expect(directAssignmentsOf(user).map((r) => r.disabledPlans)).toEqual([['p2']]);
  });

  it('tells a user holding any SKU directly from one holding only through groups', () => {
    expect(holdsAnyDirectly(userWith('u1', [assignment(E3, GROUP), assignment(EMS, null)]))).toBe(
      true
    );
    expect(holdsAnyDirectly(userWith('u2', [assignment(E3, GROUP)]))).toBe(false);
  });
});
