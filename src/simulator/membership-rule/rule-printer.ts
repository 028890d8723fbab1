import type { RuleNode, RuleScalar } from './syntax-tree';

/**
 * A rule as text Entra accepts, every compound part in parentheses: parsing the text gives the same tree
 * (the round trip the property tests check).
 */
export function printMembershipRule(rule: RuleNode): string {
  switch (rule.kind) {
    case 'and':
    case 'or':
      return `(${printMembershipRule(rule.left)}) -${rule.kind} (${printMembershipRule(rule.right)})`;
    case 'not':
      return `-not (${printMembershipRule(rule.operand)})`;
    case 'comparison': {
      const value = Array.isArray(rule.value)
        ? `[${rule.value.map(printScalar).join(', ')}]`
        : printScalar(rule.value as RuleScalar);
      return `user.${rule.property} -${rule.operator} ${value}`;
    }
  }
}

function printScalar(value: RuleScalar): string {
  // A double-quoted string has no escape for a backtick before its closing quote; single quotes do.
  if (typeof value === 'string')
    return value.includes('`')
      ? `'${value.replace(/'/g, "''")}'`
      : `"${value.replace(/"/g, '`"')}"`;
  return String(value);
}
