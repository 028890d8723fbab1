import type { PersonRef } from './rule-candidate';
import type { RuleAttributes, RuleClause, RuleProperty } from './proposed-rule';
import { usableValue } from './rule-value-counts';

/**
 * Attribute hygiene among a variant's holders, for the properties a rule tests: holders whose value is
 * empty, or a spelling variant of the rule's value ("Finanse", "finance "). The rule misses each of them
 * today (they stay licensed only through the exceptions group), and each is the pattern of a future silent
 * license loss: the next joiner typed the same way never gets the license. Pure.
 */

export interface HygieneFinding {
  readonly property: RuleProperty;
  /** `empty`: never set or blank; `variant`: close to a value the rule tests, but not equal to it. */
  readonly kind: 'empty' | 'variant';
  /** The value as held; null when empty. */
  readonly value: string | null;
  /** The rule's value it is close to; absent when empty. */
  readonly closeTo?: string;
  readonly users: readonly PersonRef[];
}

export interface HygienePerson extends PersonRef {
  readonly attributes: RuleAttributes;
}

/** Findings for the rule's clauses among these holders, largest first. */
export function attributeHygiene(
  clauses: readonly RuleClause[],
  holders: Iterable<HygienePerson>
): HygieneFinding[] {
  const found = new Map<string, { finding: Omit<HygieneFinding, 'users'>; users: PersonRef[] }>();
  for (const holder of holders) {
    for (const clause of clauses) {
      const finding = findingFor(clause, holder.attributes[clause.property]);
      if (!finding) continue;
      const key = `${finding.property}|${finding.kind}|${finding.value ?? ''}`;
      const entry = found.get(key) ?? { finding, users: [] };
      entry.users.push({ userId: holder.userId, userPrincipalName: holder.userPrincipalName });
      found.set(key, entry);
    }
  }
  return [...found.values()]
    .map(({ finding, users }) => ({ ...finding, users }))
    .sort((a, b) => b.users.length - a.users.length);
}

function findingFor(
  clause: RuleClause,
  value: string | null | undefined
): Omit<HygieneFinding, 'users'> | null {
  if (!usableValue(value)) return { property: clause.property, kind: 'empty', value: null };
  const closeTo = spellingVariantOf(value, clause.values);
  return closeTo === null
    ? null
    : { property: clause.property, kind: 'variant', value: value, closeTo };
}

/** One sentence an admin can act on. */
export function describeHygiene(finding: HygieneFinding, named = 3): string {
  const who = finding.users.slice(0, named).map((u) => u.userPrincipalName);
  const more = finding.users.length - who.length;
  const people = `${who.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  return finding.kind === 'empty'
    ? `${finding.property} is empty for ${people}: the rule misses them, as it will miss every joiner whose ${finding.property} is left empty.`
    : `${finding.property} is "${finding.value}" for ${people}, not "${finding.closeTo}": the rule misses them; correct it to keep their license when the exceptions go.`;
}

const normalized = (value: string) => value.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The value among `values` that `value` is a spelling variant of — same but for case or white space, or
 * a typo or two away (one for short words) — or null. Exactly equal without regard to case is no variant:
 * Entra matches it.
 */
export function spellingVariantOf(value: string, values: readonly string[]): string | null {
  if (values.some((candidate) => candidate.toLowerCase() === value.toLowerCase())) return null;
  const mine = normalized(value);
  for (const candidate of values) {
    const theirs = normalized(candidate);
    if (mine === theirs) return candidate;
    const allowed = theirs.length >= 8 ? 2 : theirs.length >= 4 ? 1 : 0;
    if (allowed > 0 && editDistanceWithin(mine, theirs, allowed)) return candidate;
  }
  return null;
}

/** Whether a and b are at most `limit` insertions, deletions, substitutions or swaps apart. */
function editDistanceWithin(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2] + 1);
      current.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return false;
    before = previous;
    previous = current;
  }
  return previous[b.length] <= limit;
}
