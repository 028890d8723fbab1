import fc from 'fast-check';
import {
  ruleMatches,
  type ProposedRule,
  type RuleAttributes,
} from '../../src/domain/proposed-rule';
import type { RulePerson } from '../../src/domain/rule-candidate';
import { inferMembershipRules } from '../../src/domain/rule-inference';

/**
 * Generated tenants with a planted rule: the people it describes hold the variant, plus noise — holders
 * whose attribute is misspelled or empty, holders who are exceptions with other attributes, and
 * non-holders who share the rule's values. The inference must find the planted rule and count exactly.
 */

const DEPARTMENTS = ['Sales', 'Marketing', 'IT', 'HR', 'Legal'];
const TITLES = ['Analyst', 'Manager', 'Engineer', 'Clerk'];
const COUNTRIES = ['Spain', 'Italy', 'Japan', 'Brazil'];
const CITIES = ['North', 'South', 'East', 'West', 'Centre'];

interface Planted {
  readonly everyone: RulePerson[];
  readonly holders: Set<string>;
  readonly misses: Set<string>;
  readonly gains: Set<string>;
  readonly typos: Map<string, string>;
  readonly empty: Set<string>;
}

const background = fc.record({
  department: fc.constantFrom(...DEPARTMENTS),
  jobTitle: fc.constantFrom(...TITLES),
  country: fc.constantFrom(...COUNTRIES),
  city: fc.constantFrom(...CITIES),
});

/** Builds the tenant from people described by what they are (holder or not) and their attributes. */
function tenantOf(
  people: {
    holder: boolean;
    kind: 'fits' | 'typo' | 'empty' | 'exception' | 'other';
    attributes: RuleAttributes;
  }[]
): Planted {
  const planted: Planted = {
    everyone: [],
    holders: new Set(),
    misses: new Set(),
    gains: new Set(),
    typos: new Map(),
    empty: new Set(),
  };
  people.forEach((person, i) => {
    const id = `u${i}`;
    planted.everyone.push({
      id,
      userPrincipalName: `${id}@contoso.example`,
      attributes: person.attributes,
    });
    if (person.holder) planted.holders.add(id);
    if (person.holder && person.kind !== 'fits') planted.misses.add(id);
    if (!person.holder && person.kind === 'fits') planted.gains.add(id);
    if (person.kind === 'typo') planted.typos.set(id, String(person.attributes.department));
    if (person.kind === 'empty') planted.empty.add(id);
  });
  return planted;
}

const ids = (refs: readonly { userId: string }[]) => new Set(refs.map((r) => r.userId));

/** The same rule: the same properties with the same values, in any order and case. */
const sameRule = (a: ProposedRule, b: ProposedRule) =>
  JSON.stringify(
    a.clauses.map((c) => [c.property, c.values.map((v) => v.toLowerCase()).sort()]).sort()
  ) ===
  JSON.stringify(
    b.clauses.map((c) => [c.property, c.values.map((v) => v.toLowerCase()).sort()]).sort()
  );

/** `department -eq "Finance"` planted among 60–120 holders, with up to 6 holders it misses. */
const financeTenant = fc
  .record({
    fits: fc.integer({ min: 60, max: 120 }),
    typos: fc.array(fc.constantFrom('Finace', 'finance ', 'Fiance', 'FINANSE'), { maxLength: 2 }),
    empty: fc.array(fc.constantFrom(null, '', '  '), { maxLength: 2 }),
    exceptions: fc.integer({ min: 0, max: 2 }),
    sharing: fc.integer({ min: 0, max: 3 }),
    others: fc.integer({ min: 20, max: 150 }),
    seed: fc.array(background, { minLength: 400, maxLength: 400 }),
  })
  .map((t) => {
    let next = 0;
    const attrs = (department: string | null): RuleAttributes => {
      const { jobTitle, country, city } = t.seed[next++ % t.seed.length];
      return { department, jobTitle, country, city };
    };
    return tenantOf([
      ...Array.from({ length: t.fits }, () => ({
        holder: true,
        kind: 'fits' as const,
        attributes: attrs('Finance'),
      })),
      ...t.typos.map((v) => ({ holder: true, kind: 'typo' as const, attributes: attrs(v) })),
      ...t.empty.map((v) => ({ holder: true, kind: 'empty' as const, attributes: attrs(v) })),
      ...Array.from({ length: t.exceptions }, () => ({
        holder: true,
        kind: 'exception' as const,
        attributes: attrs('Legal'),
      })),
      ...Array.from({ length: t.sharing }, () => ({
        holder: false,
        kind: 'fits' as const,
        attributes: attrs('Finance'),
      })),
      ...t.seed
        .slice(0, t.others)
        .map((b) => ({ holder: false, kind: 'other' as const, attributes: b })),
    ]);
  });

describe('inferring a membership rule from who holds a variant', () => {
  it('finds a planted `department -eq` first and counts its misses and gains exactly', () => {
    fc.assert(
      fc.property(financeTenant, (tenant) => {
        const result = inferMembershipRules(tenant.holders, tenant.everyone);
        const best = result.candidates[0];
        expect(best.number).toBe(1);
        expect(best.text).toBe('(user.department -eq "Finance")');
        expect(ids(best.misses)).toEqual(tenant.misses);
        expect(ids(best.gains)).toEqual(tenant.gains);
        expect(best.matched).toBe(tenant.holders.size - tenant.misses.size);
        // No redundant criteria: each clause of a two-clause rule removes people the other alone gains.
        for (const candidate of result.candidates.filter((c) => c.rule.clauses.length > 1)) {
          for (const clause of candidate.rule.clauses) {
            const alone = tenant.everyone.filter(
              (p) => !tenant.holders.has(p.id) && ruleMatches({ clauses: [clause] }, p.attributes)
            );
            expect(alone.length).toBeGreaterThan(candidate.gains.length);
          }
        }
      }),
      { numRuns: 60 }
    );
  });

  it('names each misspelled or empty department among the holders, and no one else', () => {
    fc.assert(
      fc.property(financeTenant, (tenant) => {
        const { hygiene } = inferMembershipRules(tenant.holders, tenant.everyone);
        const variants = hygiene.filter((h) => h.kind === 'variant');
        expect(new Map(variants.flatMap((h) => h.users.map((u) => [u.userId, h.value])))).toEqual(
          tenant.typos
        );
        expect(variants.every((h) => h.closeTo === 'Finance')).toBe(true);
        expect(ids(hygiene.filter((h) => h.kind === 'empty').flatMap((h) => h.users))).toEqual(
          tenant.empty
        );
      }),
      { numRuns: 60 }
    );
  });

  it('finds a planted `country -in [..] -and jobTitle -eq ..` when neither clause alone is precise', () => {
    const planted: ProposedRule = {
      clauses: [
        { property: 'jobTitle', values: ['Controller'] },
        { property: 'country', values: ['France', 'Germany'] },
      ],
    };
    const tenant = fc
      .record({
        fits: fc.array(fc.constantFrom('France', 'Germany'), { minLength: 60, maxLength: 100 }),
        exceptions: fc.integer({ min: 0, max: 3 }),
        sharing: fc.integer({ min: 0, max: 3 }),
        // More than the rule may gain, so that neither clause alone is precise enough.
        controllersElsewhere: fc.array(fc.constantFrom(...COUNTRIES), {
          minLength: 8,
          maxLength: 30,
        }),
        othersThere: fc.array(fc.constantFrom('France', 'Germany'), {
          minLength: 8,
          maxLength: 30,
        }),
        seed: fc.array(background, { minLength: 200, maxLength: 200 }),
      })
      .map((t) => {
        let next = 0;
        const attrs = (jobTitle: string, country: string): RuleAttributes => {
          const { department, city } = t.seed[next++ % t.seed.length];
          return { department, jobTitle, country, city };
        };
        return tenantOf([
          ...t.fits.map((c) => ({
            holder: true,
            kind: 'fits' as const,
            attributes: attrs('Controller', c),
          })),
          ...Array.from({ length: t.exceptions }, () => ({
            holder: true,
            kind: 'exception' as const,
            attributes: attrs('Clerk', 'Japan'),
          })),
          ...Array.from({ length: t.sharing }, () => ({
            holder: false,
            kind: 'fits' as const,
            attributes: attrs('Controller', 'France'),
          })),
          ...t.controllersElsewhere.map((c) => ({
            holder: false,
            kind: 'other' as const,
            attributes: attrs('Controller', c),
          })),
          ...t.othersThere.map((c) => ({
            holder: false,
            kind: 'other' as const,
            attributes: attrs('Analyst', c),
          })),
          ...t.seed.map((b) => ({ holder: false, kind: 'other' as const, attributes: b })),
        ]);
      });
    fc.assert(
      fc.property(tenant, (tenant) => {
        const { candidates } = inferMembershipRules(tenant.holders, tenant.everyone);
        const found = candidates.find((c) => sameRule(c.rule, planted));
        expect(found?.number).toBe(1);
        expect(ids(found?.misses ?? [])).toEqual(tenant.misses);
        expect(ids(found?.gains ?? [])).toEqual(tenant.gains);
      }),
      { numRuns: 40 }
    );
  });

  it('offers no rule, and says why, when the holders share nothing the others lack', () => {
    const tenant = fc
      .record({
        people: fc.array(background, { minLength: 60, maxLength: 200 }),
        holders: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
      })
      .filter((t) => t.holders.slice(0, t.people.length).filter(Boolean).length >= 20);
    fc.assert(
      fc.property(tenant, ({ people, holders }) => {
        const everyone = people.map((attributes, i) => ({
          id: `u${i}`,
          userPrincipalName: `u${i}@contoso.example`,
          attributes,
        }));
        const holderIds = new Set(everyone.filter((_, i) => holders[i]).map((p) => p.id));
        const result = inferMembershipRules(holderIds, everyone);
        expect(result.candidates).toEqual([]);
        expect(result.noRuleReason).toMatch(/the static group stays/);
      }),
      { numRuns: 40 }
    );
  });

  it('offers no rule when every holder’s values are their own', () => {
    const everyone = Array.from({ length: 50 }, (_, i) => ({
      id: `u${i}`,
      userPrincipalName: `u${i}@contoso.example`,
      attributes: { employeeId: `E${i}`, department: `Team ${i}` },
    }));
    const result = inferMembershipRules(new Set(everyone.slice(0, 20).map((p) => p.id)), everyone);
    expect(result.candidates).toEqual([]);
    expect(result.closest).toBeNull();
    expect(result.noRuleReason).toMatch(/share no value/);
  });

  it('never proposes a rule for a handful of holders: a static group is simpler', () => {
    const everyone = Array.from({ length: 10 }, (_, i) => ({
      id: `u${i}`,
      userPrincipalName: `u${i}@contoso.example`,
      attributes: { department: i < 3 ? 'Board' : 'Sales' },
    }));
    const result = inferMembershipRules(new Set(['u0', 'u1', 'u2']), everyone);
    expect(result.candidates).toEqual([]);
    expect(result.noRuleReason).toMatch(/static group is simpler/);
  });
});
