import { MembershipRuleError } from './rule-error';
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type RuleNode,
  type RuleScalar,
  type RuleValue,
} from './syntax-tree';
import { tokenizeRule, type RuleToken } from './tokenizer';
import { userRuleProperty } from './user-rule-properties';

/** "The total length of the body of your membership rule can't exceed 3,072 characters." */
export const MAX_RULE_LENGTH = 3072;

/** Documented rule forms the simulator does not evaluate: collections, memberOf, direct reports. */
const NOT_SIMULATED =
  /user\.(?:otherMails|proxyAddresses|assignedPlans|memberOf|employeeHireDate)\b|Direct\s+Reports\s+for/i;

const COMPARISON_BY_LOWER_NAME = new Map<string, ComparisonOperator>(
  COMPARISON_OPERATORS.map((op) => [op.toLowerCase(), op])
);

/**
 * Parses a user membership rule into its syntax tree, or throws MembershipRuleError. Precedence as
 * documented, highest first: the comparison operators, then -not, then -and, then -or
 * (groups-dynamic-membership.md, "Operator precedence"); -and and -or group from the left.
 */
export function parseMembershipRule(text: string): RuleNode {
  if (text.length > MAX_RULE_LENGTH) {
    throw new MembershipRuleError(
      `The rule is ${text.length} characters long; a rule can have at most ${MAX_RULE_LENGTH}.`
    );
  }
  if (text.trim() === '') throw new MembershipRuleError('The rule is empty.');
  const unsupported = NOT_SIMULATED.exec(text);
  if (unsupported) {
    throw new MembershipRuleError(
      `'${unsupported[0]}' is valid in Entra but not evaluated by this simulator (docs/simulator.md, "Dynamic membership").`
    );
  }
  const parser = new RuleParser(tokenizeRule(text));
  const rule = parser.parseOr();
  parser.expectEnd();
  return rule;
}

class RuleParser {
  private index = 0;

  constructor(private readonly tokens: readonly RuleToken[]) {}

  parseOr(): RuleNode {
    let left = this.parseAnd();
    while (this.takeOperator('or')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw unexpected(token);
  }

  private parseAnd(): RuleNode {
    let left = this.parseNot();
    while (this.takeOperator('and')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): RuleNode {
    if (this.takeOperator('not')) return { kind: 'not', operand: this.parseNot() };
    return this.parsePrimary();
  }

  private parsePrimary(): RuleNode {
    const token = this.next();
    if (token.kind === '(') {
      const inner = this.parseOr();
      const close = this.next();
      if (close.kind !== ')') throw unexpected(close, "')'");
      return inner;
    }
    if (token.kind !== 'property') throw unexpected(token, 'a property such as user.department');
    const property = userRuleProperty(token.name);
    if (!property) {
      throw new MembershipRuleError(
        `Wrong property applied. Property '${token.name}' cannot be applied to object 'User'.`
      );
    }
    const operatorToken = this.next();
    if (operatorToken.kind !== 'operator') throw unexpected(operatorToken, 'an operator');
    const operator = COMPARISON_BY_LOWER_NAME.get(operatorToken.name);
    if (!operator) {
      // -any/-all apply to collections, -le/-ge to employeeHireDate: none of them to these properties.
      throw new MembershipRuleError(
        `Invalid operands found for operator -${operatorToken.name}: it cannot be applied to property '${property.name}'.`
      );
    }
    const value = this.parseValue();
    checkOperands(property, operator, value);
    return { kind: 'comparison', property: property.name, operator, value };
  }

  private parseValue(): RuleValue {
    const token = this.peek();
    if (token.kind !== '[') return this.parseScalar();
    this.next();
    const items: RuleScalar[] = [];
    if (this.peek().kind !== ']') {
      items.push(this.parseScalar());
      while (this.peek().kind === ',') {
        this.next();
        items.push(this.parseScalar());
      }
    }
    const close = this.next();
    if (close.kind !== ']') throw unexpected(close, "']'");
    return items;
  }

  private parseScalar(): RuleScalar {
    const token = this.next();
    switch (token.kind) {
      case 'string':
      case 'number':
      case 'boolean':
        return token.value;
      case 'null':
        return null;
      default:
        throw unexpected(token, 'a value');
    }
  }

  private takeOperator(name: string): boolean {
    const token = this.peek();
    if (token.kind === 'operator' && token.name === name) {
      this.index++;
      return true;
    }
    return false;
  }

  private peek(): RuleToken {
    return this.tokens[this.index];
  }

  private next(): RuleToken {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index++;
    return token;
  }
}

/** Whether an operator can compare this property with this value; throws Entra's "Invalid operands". */
function checkOperands(
  property: { readonly name: string; readonly type: 'string' | 'boolean' },
  operator: ComparisonOperator,
  value: RuleValue
): void {
  const invalid = (why: string) =>
    new MembershipRuleError(`Invalid operands found for operator -${operator}: ${why}`);
  const isList = Array.isArray(value);
  if (operator === 'in' || operator === 'notIn') {
    if (!isList) throw invalid('it needs a list of values in [ and ].');
    if (value.length === 0) throw invalid('the list of values is empty.');
    if (value.some((item) => item === null)) throw invalid('null cannot be in a list.');
    if (property.type === 'boolean') throw invalid(`'${property.name}' is true or false.`);
    return;
  }
  if (isList) throw invalid('a list of values needs -in or -notIn.');
  const scalar = value as RuleScalar;
  if (scalar === null) {
    // "Use -eq or -ne when comparing the null value in an expression."
    if (operator !== 'eq' && operator !== 'ne')
      throw invalid('null can only be compared with -eq or -ne.');
    return;
  }
  if (property.type === 'boolean') {
    if (operator !== 'eq' && operator !== 'ne')
      throw invalid(`'${property.name}' is true or false.`);
    if (typeof scalar !== 'boolean') throw invalid(`'${property.name}' is true or false.`);
    return;
  }
  if (typeof scalar === 'boolean') throw invalid(`'${property.name}' is a string.`);
  if (operator === 'match' || operator === 'notMatch') {
    try {
      new RegExp(String(scalar), 'i');
    } catch {
      throw invalid(`'${String(scalar)}' is not a valid regular expression.`);
    }
  }
}

function unexpected(token: RuleToken, expected?: string): MembershipRuleError {
  const found =
    token.kind === 'end' ? 'the end of the rule' : `'${describe(token)}' at position ${token.at}`;
  return new MembershipRuleError(
    `Syntax error: found ${found}${expected ? `, expected ${expected}` : ''}.`
  );
}

function describe(token: RuleToken): string {
  switch (token.kind) {
    case 'operator':
      return `-${token.name}`;
    case 'property':
      return `user.${token.name}`;
    case 'string':
      return `"${token.value}"`;
    case 'number':
    case 'boolean':
      return String(token.value);
    case 'null':
      return 'null';
    default:
      return token.kind;
  }
}
