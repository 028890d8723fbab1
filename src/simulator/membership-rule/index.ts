export { evaluateMembershipRule, type RuleSubject } from './evaluator';
export { MAX_RULE_LENGTH, parseMembershipRule } from './parser';
export { MembershipRuleError } from './rule-error';
export { printMembershipRule } from './rule-printer';
export type { ComparisonOperator, RuleNode, RuleScalar, RuleValue } from './syntax-tree';
export { COMPARISON_OPERATORS } from './syntax-tree';
export { USER_RULE_PROPERTY_NAMES, userRuleProperty } from './user-rule-properties';
