import type { RuleNode, RuleScalar, RuleValue } from './syntax-tree';

/** What a rule reads from one user: a property's value by canonical name; null when not set. */
export type RuleSubject = (property: string) => string | boolean | null;

/**
 * Whether a user matches a parsed rule. String and regex comparisons ignore case ("Regex and string
 * operations aren't case sensitive"); -match finds the pattern anywhere (`.*vid` matches David,
 * `^Da.*` does not match aDa). A property that is not set equals only null; every "not" operator is the
 * negation of its positive form, so an unset property is -ne "x", -notIn [...] and -notContains "x".
 */
export function evaluateMembershipRule(rule: RuleNode, subject: RuleSubject): boolean {
  switch (rule.kind) {
    case 'and':
      return (
        evaluateMembershipRule(rule.left, subject) && evaluateMembershipRule(rule.right, subject)
      );
    case 'or':
      return (
        evaluateMembershipRule(rule.left, subject) || evaluateMembershipRule(rule.right, subject)
      );
    case 'not':
      return !evaluateMembershipRule(rule.operand, subject);
    case 'comparison':
      return compare(subject(rule.property), rule.operator, rule.value);
  }
}

function compare(actual: string | boolean | null, operator: string, value: RuleValue): boolean {
  switch (operator) {
    case 'eq':
      return equals(actual, value as RuleScalar);
    case 'ne':
      return !equals(actual, value as RuleScalar);
    case 'in':
      return (value as readonly RuleScalar[]).some((item) => equals(actual, item));
    case 'notIn':
      return !(value as readonly RuleScalar[]).some((item) => equals(actual, item));
    default: {
      const positive = operator.startsWith('not')
        ? operator[3].toLowerCase() + operator.slice(4)
        : operator;
      const result = textTest(actual, positive, String(value));
      return positive === operator ? result : !result;
    }
  }
}

function equals(actual: string | boolean | null, expected: RuleScalar): boolean {
  if (expected === null || actual === null) return expected === actual;
  if (typeof actual === 'boolean') return actual === expected;
  return actual.toLowerCase() === String(expected).toLowerCase();
}

function textTest(actual: string | boolean | null, operator: string, expected: string): boolean {
  if (typeof actual !== 'string') return false;
  const text = actual.toLowerCase();
  const wanted = expected.toLowerCase();
  switch (operator) {
    case 'startsWith':
      return text.startsWith(wanted);
    case 'endsWith':
      return text.endsWith(wanted);
    case 'contains':
      return text.includes(wanted);
    case 'match':
      return new RegExp(expected, 'i').test(actual);
    default:
      return false;
  }
}
