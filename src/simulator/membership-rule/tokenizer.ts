import { MembershipRuleError } from './rule-error';

/** The words and symbols of a membership rule, with where each starts (for error messages). */
export type RuleToken =
  | { readonly kind: '(' | ')' | '[' | ']' | ','; readonly at: number }
  /** An operator, lower-cased, without its hyphen: `eq`, `notstartswith`, `and`, `not`, … */
  | { readonly kind: 'operator'; readonly name: string; readonly at: number }
  /** `user.<name>`: the name after the dot, as written. */
  | { readonly kind: 'property'; readonly name: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly at: number }
  | { readonly kind: 'null'; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

/** Every operator word the rule language has, lower-cased (groups-dynamic-membership.md). */
export const OPERATOR_WORDS = new Set([
  'eq',
  'ne',
  'startswith',
  'notstartswith',
  'endswith',
  'notendswith',
  'contains',
  'notcontains',
  'match',
  'notmatch',
  'in',
  'notin',
  'and',
  'or',
  'not',
  'any',
  'all',
  'le',
  'ge',
]);

/** The docs print some operators with an en dash (`–eq`, `user.mail –ne null`); Entra's text box takes them. */
const DASHES = new Set(['-', '\u2013', '\u2014']);

/**
 * Splits a rule into tokens. Operators may be written with or without their hyphen ("Operators can be used
 * with or without the hyphen (-) prefix"); strings are in double quotes (a quote inside is escaped with a
 * backtick: `"`) or single quotes (a quote inside is doubled).
 */
export function tokenizeRule(text: string): RuleToken[] {
  const tokens: RuleToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === '(' || c === ')' || c === '[' || c === ']' || c === ',') {
      tokens.push({ kind: c, at });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const [value, next] = readString(text, i);
      tokens.push({ kind: 'string', value, at });
      i = next;
      continue;
    }
    const number = /^-?\d+(?:\.\d+)?(?![\w.])/.exec(text.slice(i));
    if (number && (c !== '-' || /\d/.test(text[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', value: Number(number[0]), at });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][A-Za-z0-9_.$]*/.exec(text.slice(DASHES.has(c) ? i + 1 : i));
    if (!word) throw new MembershipRuleError(`Unexpected character '${c}' at position ${at}.`);
    const hyphenated = DASHES.has(c);
    i += word[0].length + (hyphenated ? 1 : 0);
    tokens.push(wordToken(word[0], hyphenated, at));
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

function wordToken(word: string, hyphenated: boolean, at: number): RuleToken {
  const lower = word.toLowerCase();
  if (hyphenated || OPERATOR_WORDS.has(lower)) {
    if (!OPERATOR_WORDS.has(lower))
      throw new MembershipRuleError(`Unknown operator '-${word}' at position ${at}.`);
    return { kind: 'operator', name: lower, at };
  }
  if (lower === 'null') return { kind: 'null', at };
  if (lower === 'true' || lower === 'false')
    return { kind: 'boolean', value: lower === 'true', at };
  const dot = word.indexOf('.');
  if (dot > 0) {
    const object = word.slice(0, dot).toLowerCase();
    const name = word.slice(dot + 1);
    if (object !== 'user' || name === '' || name.includes('.')) {
      // A rule is for users or for devices; this simulator has users only.
      throw new MembershipRuleError(
        `Wrong property applied. Property '${word}' cannot be applied to object 'User'.`
      );
    }
    return { kind: 'property', name, at };
  }
  throw new MembershipRuleError(`Unexpected word '${word}' at position ${at}.`);
}

function readString(text: string, start: number): [string, number] {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (quote === '"' && c === '`' && text[i + 1] === '"') {
      value += '"';
      i += 2;
    } else if (quote === "'" && c === "'" && text[i + 1] === "'") {
      value += "'";
      i += 2;
    } else if (c === quote) {
      return [value, i + 1];
    } else {
      value += c;
      i++;
    }
  }
  throw new MembershipRuleError(`Unterminated string starting at position ${start}.`);
}
