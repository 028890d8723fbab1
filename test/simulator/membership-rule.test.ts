import fc from 'fast-check';
import {
  COMPARISON_OPERATORS,
  MAX_RULE_LENGTH,
  MembershipRuleError,
  evaluateMembershipRule,
  parseMembershipRule,
  printMembershipRule,
  type RuleNode,
  type RuleSubject,
} from '../../src/simulator/membership-rule';

/** A user as a rule sees it; anything not listed is not set (null). */
const MEGAN: Record<string, string | boolean | null> = {
  department: 'Finance',
  jobTitle: 'Financial Analyst',
  city: 'Seattle',
  country: 'United States',
  usageLocation: 'US',
  userType: 'Member',
  accountEnabled: true,
  userPrincipalName: 'MeganB@contoso.example',
  mail: 'MeganB@contoso.example',
  employeeId: '10042',
  extensionAttribute3: 'CostCenter-7',
  physicalDeliveryOfficeName: 'Building 4',
  companyName: null,
};
const subjectOf =
  (values: Record<string, string | boolean | null>): RuleSubject =>
  (property) =>
    values[property] ?? null;
const matches = (rule: string, values = MEGAN) =>
  evaluateMembershipRule(parseMembershipRule(rule), subjectOf(values));

describe('membership rules: each operator, as groups-dynamic-membership.md documents it', () => {
  it.each([
    ['user.department -eq "Finance"', true],
    ['user.department -eq "Sales"', false],
    ['user.department -ne "Sales"', true],
    ['user.department -ne "Finance"', false],
    ['user.department -in ["Sales", "Finance"]', true],
    ['user.department -in ["Sales", "Legal"]', false],
    ['user.department -notIn ["Sales", "Legal"]', true],
    ['user.department -notIn ["Finance"]', false],
    ['user.jobTitle -startsWith "Fin"', true],
    ['user.jobTitle -startsWith "Analyst"', false],
    ['user.jobTitle -notStartsWith "Analyst"', true],
    ['user.jobTitle -notStartsWith "Fin"', false],
    ['user.jobTitle -endsWith "Analyst"', true],
    ['user.jobTitle -endsWith "Fin"', false],
    ['user.jobTitle -notEndsWith "Fin"', true],
    ['user.mail -notEndsWith "@contoso.example"', false],
    ['user.jobTitle -contains "cial An"', true],
    ['user.jobTitle -contains "Controller"', false],
    ['user.jobTitle -notContains "Controller"', true],
    ['user.jobTitle -notContains "Analyst"', false],
    ['user.city -match "^Sea.*"', true],
    ['user.city -match ".*ttle"', true],
    ['user.city -match "^attle"', false],
    ['user.city -notMatch "^attle"', true],
    ['user.accountEnabled -eq true', true],
    ['user.accountEnabled -eq false', false],
    ['user.accountEnabled -ne false', true],
    ['user.employeeId -eq 10042', true],
    ['user.employeeId -in [10041, 10042]', true],
    ['user.extensionAttribute3 -eq "CostCenter-7"', true],
    ['user.physicalDeliveryOfficeName -eq "Building 4"', true],
    ['user.usageLocation -eq "US"', true],
    ['user.userType -eq "Member"', true],
    ['user.userPrincipalName -endsWith "@contoso.example"', true],
  ])('%s → %s', (rule, expected) => {
    expect(matches(rule)).toBe(expected);
  });
});

describe('membership rules: null, case and spelling', () => {
  it.each([
    // "You can also perform Null checks, using null as a value"
    ['user.companyName -eq null', true],
    ['user.companyName -ne null', false],
    ['user.department -eq null', false],
    ['user.department -ne null', true],
    // "Use quotes around the word null only if you want it to be interpreted as a literal string value."
    ['user.companyName -eq "null"', false],
    // A property that is not set matches no positive string test, and every negative one.
    ['user.companyName -startsWith "C"', false],
    ['user.companyName -notStartsWith "C"', true],
    ['user.companyName -ne "Contoso"', true],
    ['user.companyName -in ["Contoso"]', false],
    ['user.companyName -notIn ["Contoso"]', true],
    ['user.companyName -match ".*"', false],
    // "Regex and string operations aren't case sensitive."
    ['user.department -eq "FINANCE"', true],
    ['user.department -in ["finance"]', true],
    ['user.jobTitle -startsWith "fINAN"', true],
    ['user.city -match "^SEATTLE$"', true],
    // Operators and property names in any case, operators with or without the hyphen, en dashes as in the docs.
    ['user.Department -EQ "Finance"', true],
    ['user.department eq "Finance"', true],
    ['user.department –eq "Finance" –and user.country –eq "United States"', true],
    ['(user.department -eq "Finance") and (user.city -eq "Seattle")', true],
    // Strings in single quotes; a doubled single quote is one quote.
    ["user.department -in ['Finance']", true],
  ])('%s → %s', (rule, expected) => {
    expect(matches(rule)).toBe(expected);
  });

  it('tells a trailing space and a misspelling apart from the real value, as Entra does', () => {
    const rule = 'user.department -eq "Finance"';
    expect(matches(rule, { department: 'Finance ' })).toBe(false);
    expect(matches(rule, { department: 'Finanse' })).toBe(false);
    expect(matches(rule, { department: 'finance' })).toBe(true);
    expect(matches(rule, {})).toBe(false);
  });

  it('reads a backtick-escaped double quote and a doubled single quote inside strings', () => {
    expect(matches('user.jobTitle -eq "Head of `"Ops`""', { jobTitle: 'Head of "Ops"' })).toBe(
      true
    );
    expect(matches("user.jobTitle -eq 'O''Brien'", { jobTitle: "O'Brien" })).toBe(true);
  });
});

describe('membership rules: precedence (comparisons, then -not, then -and, then -or)', () => {
  const t = 'user.department -eq "Finance"';
  const f = 'user.department -eq "Sales"';
  it.each([
    [`${t} -or ${f} -and ${f}`, true], // -and binds tighter: t or (f and f)
    [`(${t} -or ${f}) -and ${f}`, false],
    [`${f} -and ${f} -or ${t}`, true],
    [`-not ${t} -and ${f}`, false], // (not t) and f
    [`-not ${f} -and ${t}`, true],
    [`-not ${t} -or ${t}`, true], // (not t) or t
    [`-not (${t} -or ${t})`, false],
    [`-not -not ${t}`, true],
    [`${t} -and -not ${f}`, true], // the docs' own form: (… ) -and -not (…)
    [`(((${t})))`, true],
  ])('%s → %s', (rule, expected) => {
    expect(matches(rule)).toBe(expected);
  });

  it('parses the documented example into the documented grouping', () => {
    expect(
      parseMembershipRule('user.department –eq "Marketing" –and user.country –eq "US"')
    ).toEqual({
      kind: 'and',
      left: { kind: 'comparison', property: 'department', operator: 'eq', value: 'Marketing' },
      right: { kind: 'comparison', property: 'country', operator: 'eq', value: 'US' },
    });
  });
});

describe('membership rules Entra refuses', () => {
  const refusal = (rule: string) => {
    try {
      parseMembershipRule(rule);
    } catch (error) {
      expect(error).toBeInstanceOf(MembershipRuleError);
      return (error as Error).message;
    }
    throw new Error(`accepted: ${rule}`);
  };

  it.each([
    [
      'user.favouriteColour -eq "Blue"',
      /Property 'favouriteColour' cannot be applied to object 'User'/,
    ],
    ['user.employeeType -eq "Contractor"', /Property 'employeeType' cannot be applied/],
    ['device.deviceOSType -eq "iOS"', /cannot be applied to object 'User'/],
    ['user.department -startsWith null', /Invalid operands found for operator -startsWith/],
    ['user.department -in "Finance"', /Invalid operands found for operator -in/],
    ['user.department -in []', /Invalid operands found for operator -in/],
    ['user.department -eq ["Finance"]', /Invalid operands found for operator -eq/],
    ['user.department -eq true', /Invalid operands found for operator -eq/],
    ['user.accountEnabled -eq "yes"', /Invalid operands found for operator -eq/],
    ['user.accountEnabled -contains "t"', /Invalid operands found for operator -contains/],
    ['user.city -match "(unclosed"', /not a valid regular expression/],
    ['user.proxyAddresses -any (_ -startsWith "x")', /not evaluated by this simulator/],
    // "The -not operator can't be used as a comparative operator for null … you get an error"
    ['user.department -not null', /Invalid operands found for operator -not/],
    ['user.department -like "Fin*"', /Unknown operator '-like'/],
    ['user.department -eq "Finance" -and', /Syntax error: found the end of the rule/],
    ['(user.department -eq "Finance"', /expected '\)'/],
    ['user.department -eq "Finance")', /Syntax error/],
    ['user.department -eq "Finance', /Unterminated string/],
    ['user.department "Finance"', /expected an operator/],
    ['', /The rule is empty/],
  ])('refuses %j', (rule, message) => {
    const text = refusal(rule);
    expect(text).toMatch(/^Dynamic membership rule validation error: /);
    expect(text).toMatch(message);
  });

  it('takes a rule of exactly 3,072 characters and refuses one longer', () => {
    const clause = (n: number) => `user.department -eq "${String(n).padStart(4, '0')}"`;
    let rule = clause(0);
    for (let i = 1; rule.length + 5 + clause(i).length <= MAX_RULE_LENGTH; i++)
      rule += ` -or ${clause(i)}`;
    rule = rule + ' '.repeat(MAX_RULE_LENGTH - rule.length);
    expect(rule).toHaveLength(3072);
    expect(() => parseMembershipRule(rule)).not.toThrow();
    expect(refusal(`${rule} `)).toMatch(/3073 characters long; a rule can have at most 3072/);
  });
});

describe('membership rules: properties over generated rules', () => {
  const properties = ['department', 'jobTitle', 'city', 'country', 'extensionAttribute7'];
  const text = fc.string({ maxLength: 8 });
  const comparison: fc.Arbitrary<RuleNode> = fc.oneof(
    fc.record({
      kind: fc.constant('comparison' as const),
      property: fc.constantFrom(...properties),
      operator: fc.constantFrom(
        ...COMPARISON_OPERATORS.filter((op) => !['in', 'notIn', 'match', 'notMatch'].includes(op))
      ),
      value: text,
    }),
    fc.record({
      kind: fc.constant('comparison' as const),
      property: fc.constantFrom(...properties),
      operator: fc.constantFrom('in' as const, 'notIn' as const),
      value: fc.array(text, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('comparison' as const),
      property: fc.constantFrom(...properties),
      operator: fc.constantFrom('eq' as const, 'ne' as const),
      value: fc.constant(null),
    })
  );
  const { rule } = fc.letrec<{ rule: RuleNode }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      comparison,
      fc.record({ kind: fc.constant('not' as const), operand: tie('rule') }),
      fc.record({
        kind: fc.constantFrom('and' as const, 'or' as const),
        left: tie('rule'),
        right: tie('rule'),
      })
    ),
  }));
  const user = fc.record(
    Object.fromEntries(properties.map((p) => [p, fc.option(fc.string({ maxLength: 8 }))]))
  );

  it('parses what it prints back to the same rule', () => {
    fc.assert(
      fc.property(rule, (tree) => {
        expect(parseMembershipRule(printMembershipRule(tree))).toEqual(tree);
      })
    );
  });

  it('matches -not (a rule) exactly when the rule does not match', () => {
    fc.assert(
      fc.property(rule, user, (tree, values) => {
        const printed = printMembershipRule(tree);
        const subject = subjectOf(values);
        expect(evaluateMembershipRule(parseMembershipRule(`-not (${printed})`), subject)).toBe(
          !evaluateMembershipRule(parseMembershipRule(printed), subject)
        );
      })
    );
  });

  it('matches -in [a, b] exactly when -eq a -or -eq b does, whatever the case', () => {
    fc.assert(
      fc.property(text, text, user, (a, b, values) => {
        const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
        const subject = subjectOf(values);
        expect(
          evaluateMembershipRule(
            parseMembershipRule(`user.city -in [${q(a.toUpperCase())}, ${q(b)}]`),
            subject
          )
        ).toBe(
          evaluateMembershipRule(
            parseMembershipRule(`user.city -eq ${q(a)} -or user.city -eq ${q(b)}`),
            subject
          )
        );
      })
    );
  });
});
