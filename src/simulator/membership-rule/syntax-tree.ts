/** The parsed form of a dynamic membership rule for users (groups-dynamic-membership.md). */

export const COMPARISON_OPERATORS = [
  'eq',
  'ne',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
  'contains',
  'notContains',
  'match',
  'notMatch',
  'in',
  'notIn',
] as const;

export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export type RuleScalar = string | number | boolean | null;

/** A value on the right of an operator: one scalar, or a list for -in / -notIn. */
export type RuleValue = RuleScalar | readonly RuleScalar[];

export type RuleNode =
  | {
      readonly kind: 'comparison';
      /** The property's canonical name, without `user.` (e.g. `department`, `extensionAttribute3`). */
      readonly property: string;
      readonly operator: ComparisonOperator;
      readonly value: RuleValue;
    }
  | { readonly kind: 'not'; readonly operand: RuleNode }
  | { readonly kind: 'and' | 'or'; readonly left: RuleNode; readonly right: RuleNode };
