import fc from 'fast-check';
import {
  RULE_PROPERTIES,
  ruleMatches,
  ruleText,
  type ProposedRule,
  type RuleAttributes,
} from '../../src/domain/proposed-rule';
import { evaluateMembershipRule, parseMembershipRule } from '../../src/simulator/membership-rule';

const FINANCE: ProposedRule = { clauses: [{ property: 'department', values: ['Finance'] }] };

describe('a proposed membership rule', () => {
  it('reads as Entra takes it: one value is -eq, several are -in, clauses joined by -and', () => {
    expect(ruleText(FINANCE)).toBe('(user.department -eq "Finance")');
    expect(
      ruleText({
        clauses: [
          { property: 'department', values: ['Finance', 'Treasury'] },
          { property: 'country', values: ['FR'] },
        ],
      })
    ).toBe('(user.department -in ["Finance","Treasury"]) -and (user.country -eq "FR")');
  });

  it('matches without regard to case, and never a user whose property is not set', () => {
    expect(ruleMatches(FINANCE, { department: 'FINANCE' })).toBe(true);
    expect(ruleMatches(FINANCE, { department: 'Finace' })).toBe(false);
    expect(ruleMatches(FINANCE, { department: null })).toBe(false);
    expect(ruleMatches(FINANCE, {})).toBe(false);
  });

  it("predicts exactly who Entra's evaluation of its text matches (the simulator stands in for Entra)", () => {
    const property = fc.constantFrom(...RULE_PROPERTIES.slice(0, 9));
    const value = fc.constantFrom('Finance', 'finance', 'Sales', 'R&D "Labs"', 'Paris', '');
    const rule = fc.record({
      clauses: fc.array(
        fc.record({ property, values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }) }),
        { minLength: 1, maxLength: 3 }
      ),
    });
    const attributes = fc.dictionary(property, fc.option(value, { nil: null }));
    fc.assert(
      fc.property(rule, attributes, (proposed: ProposedRule, user: RuleAttributes) => {
        const entra = evaluateMembershipRule(
          parseMembershipRule(ruleText(proposed)),
          (name) => (user as Record<string, string | null | undefined>)[name] ?? null
        );
        expect(ruleMatches(proposed, user)).toBe(entra);
      })
    );
  });
});
