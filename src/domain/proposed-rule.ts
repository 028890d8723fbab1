/**
 * The only shape of dynamic membership rule the bot proposes: a conjunction of clauses, each one user
 * property equal to one value (`-eq`) or to one of a few (`-in`). Inference produces these; the plan, the
 * sign-off card and the shadow-group proof read them. Kept this small on purpose: the bot predicts who a rule
 * matches with its own few lines below, and Entra's own evaluation of the text (the shadow group) is the proof.
 * Pure.
 */

/**
 * String-valued user properties a rule may test that carry organisational meaning (Microsoft Learn, "Dynamic
 * membership rules for groups in Microsoft Entra ID", supported properties). Never licenses or `memberOf`.
 */
export const RULE_PROPERTIES = [
  'department',
  'jobTitle',
  'companyName',
  'physicalDeliveryOfficeName',
  'city',
  'state',
  'country',
  'usageLocation',
  'employeeId',
  'extensionAttribute1',
  'extensionAttribute2',
  'extensionAttribute3',
  'extensionAttribute4',
  'extensionAttribute5',
  'extensionAttribute6',
  'extensionAttribute7',
  'extensionAttribute8',
  'extensionAttribute9',
  'extensionAttribute10',
  'extensionAttribute11',
  'extensionAttribute12',
  'extensionAttribute13',
  'extensionAttribute14',
  'extensionAttribute15',
] as const;

export type RuleProperty = (typeof RULE_PROPERTIES)[number];

/** A user's values for the rule properties, as read from Graph; absent or null when not set. */
export type RuleAttributes = Readonly<Partial<Record<RuleProperty, string | null>>>;

export interface RuleClause {
  readonly property: RuleProperty;
  /** One value: `-eq`; several: `-in`. Never empty. */
  readonly values: readonly string[];
}

export interface ProposedRule {
  /** All must hold (`-and`). Never empty. */
  readonly clauses: readonly RuleClause[];
}

/** The rule as Entra takes it, e.g. `(user.department -eq "Finance")`. */
export function ruleText(rule: ProposedRule): string {
  return rule.clauses.map((clause) => `(${clauseText(clause)})`).join(' -and ');
}

function clauseText(clause: RuleClause): string {
  const subject = `user.${clause.property}`;
  return clause.values.length === 1
    ? `${subject} -eq ${quoted(clause.values[0])}`
    : `${subject} -in [${clause.values.map(quoted).join(',')}]`;
}

// Entra escapes a double quote inside a double-quoted value with a backtick.
const quoted = (value: string) => `"${value.replace(/"/g, '`"')}"`;

/** Whether a user with these attributes matches: Entra compares strings without regard to case. */
export function ruleMatches(rule: ProposedRule, attributes: RuleAttributes): boolean {
  return rule.clauses.every((clause) => {
    const value = attributes[clause.property];
    if (value === undefined || value === null) return false;
    const lower = value.toLowerCase();
    return clause.values.some((candidate) => candidate.toLowerCase() === lower);
  });
}

/**
 * Why a user does not match: the first clause that fails, with their value, e.g. `their department is
 * empty` or `their department is "Sales"`; null when they match.
 */
export function ruleMismatch(rule: ProposedRule, attributes: RuleAttributes): string | null {
  const clause = rule.clauses.find((c) => !ruleMatches({ clauses: [c] }, attributes));
  if (!clause) return null;
  const value = attributes[clause.property];
  return value === undefined || value === null || value === ''
    ? `their ${clause.property} is empty`
    : `their ${clause.property} is "${value}"`;
}
