import fc from 'fast-check';
import { CommandError, parseCommand } from '../../src/domain/commands';
import {
  GroupChoiceError,
  chooseDynamicGroup,
  withDynamicGroups,
  type RuleSubject,
} from '../../src/domain/dynamic-choice';
import type { PlannedGroup } from '../../src/domain/group-plan';
import type { ProposedRule } from '../../src/domain/proposed-rule';

const FINANCE: ProposedRule = { clauses: [{ property: 'department', values: ['Finance'] }] };
const ADMIN = { id: 'admin', name: 'Megan' };
const AT = new Date('2026-01-05T10:00:00Z');

const person = (id: string, department: string | null): RuleSubject => ({
  id,
  userPrincipalName: `${id}@contoso.example`,
  attributes: { department },
});

function planned(userIds: string[], existingGroupId: string | null = null): PlannedGroup {
  return {
    skuId: 'e3',
    skuPartNumber: 'ENTERPRISEPACK',
    disabledPlans: [],
    displayName: 'LIC Office 365 E3',
    mailNickname: 'lic-enterprisepack',
    existingGroupId,
    userIds,
    toAdd: userIds.length,
    sampleUserPrincipalNames: [],
  };
}

// Twenty holders in Finance, one misspelled; one non-holder in Sales.
const everyone = [
  ...Array.from({ length: 19 }, (_, i) => person(`f${i}`, 'Finance')),
  person('typo', 'Finanse'),
  person('sales', 'Sales'),
];
const holders = everyone.filter((p) => p.id !== 'sales').map((p) => p.id);
const choose = (overrides: Partial<Parameters<typeof chooseDynamicGroup>[0]> = {}) =>
  chooseDynamicGroup({
    groups: [planned(holders)],
    variantNumber: 1,
    candidates: [FINANCE],
    candidateNumber: 1,
    everyone,
    by: ADMIN,
    at: AT,
    ...overrides,
  });

describe('choosing a dynamic group for a variant', () => {
  it('reads `group N dynamic [C]` and `group N static`, and says what is wrong with anything else', () => {
    expect(parseCommand('group 2 dynamic').argument).toEqual({
      variant: 2,
      kind: 'dynamic',
      candidate: 1,
    });
    expect(parseCommand('Group 1 DYNAMIC 3').argument).toEqual({
      variant: 1,
      kind: 'dynamic',
      candidate: 3,
    });
    expect(parseCommand('group 1 static').argument).toEqual({
      variant: 1,
      kind: 'static',
      candidate: null,
    });
    for (const [text, message] of [
      ['group', /needs the variant's number/],
      ['group x dynamic', /"x" is not a variant number/],
      ['group 1', /Say `dynamic` or `static`/],
      ['group 1 static 2', /Too many words/],
      ['group 1 dynamic 0', /"0" is not a candidate number/],
    ] as const)
      expect(() => parseCommand(text)).toThrow(
        expect.objectContaining({ message: expect.stringMatching(message) }) as CommandError
      );
  });

  it('records the rule, the holders it matches and the holders it misses', () => {
    const choice = choose();
    expect(choice.ruleText).toBe('(user.department -eq "Finance")');
    expect(choice.expected).toHaveLength(19);
    expect(choice.misses.map((u) => u.id)).toEqual(['typo']);
    expect(choice.gainCount).toBe(0);
  });

  it('refuses a bad variant or candidate number, an existing group, and a variant with no precise rule', () => {
    expect(() => choose({ variantNumber: 3 })).toThrow(
      /There is no variant 3: `plan` numbers them 1 to 1/
    );
    expect(() => choose({ candidateNumber: 2 })).toThrow(/there is no candidate 2/);
    expect(() => choose({ groups: [planned(holders, 'g1')] })).toThrow(
      /I never turn an existing licensing group dynamic/
    );
    expect(() => choose({ candidates: [] })).toThrow(/No membership rule is precise enough/);
    const sales: ProposedRule = { clauses: [{ property: 'department', values: ['Sales'] }] };
    expect(() => choose({ candidates: [sales] })).toThrow(GroupChoiceError);
  });

  it('splits a variant into a dynamic group and an exceptions group that together hold every holder exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('Finance', 'finance', 'Finanse', null), {
          minLength: 10,
          maxLength: 40,
        }),
        (departments) => {
          const people = departments.map((d, i) => person(`u${i}`, d));
          const ids = people.map((p) => p.id);
          let choice;
          try {
            choice = choose({ groups: [planned(ids)], everyone: people });
          } catch (error) {
            expect(error).toBeInstanceOf(GroupChoiceError);
            return;
          }
          const groups = withDynamicGroups([planned(ids)], [choice]);
          expect(groups[0].membershipRule).toBe(choice.ruleText);
          const all = groups.flatMap((g) => g.userIds);
          expect(new Set(all).size).toBe(all.length);
          expect([...all].sort()).toEqual([...ids].sort());
          expect(
            groups
              .slice(1)
              .every((g) => g.exceptionsFor === groups[0].displayName && !g.membershipRule)
          ).toBe(true);
        }
      )
    );
  });
});
