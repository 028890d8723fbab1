import { RULE_PROPERTIES, type RuleAttributes, type RuleProperty } from './proposed-rule';

/**
 * One pass over a population: for each rule property and each value (compared as Entra compares, without
 * regard to case), how many people carry it and how many of them hold the license variant. Every clause
 * the inference considers is scored from these counts, so it never compares users with each other. Pure.
 */

export interface ValueCount {
  /** The spelling most holders use (the first seen while they tie), for the rule's text. */
  spelling: string;
  holders: number;
  total: number;
  /** Holders per spelling, kept only once a second spelling shows up. */
  spellings?: Map<string, number>;
}

export type PropertyCounts = Map<RuleProperty, Map<string, ValueCount>>;

export interface CountedPerson {
  readonly attributes: RuleAttributes;
}

/** A value worth a clause: set, and not only white space (Entra's -eq would never match "" usefully). */
export function usableValue(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * The counts for the whole directory: the totals of every value are counted once per list of people and
 * kept while the list lives (each variant of a plan reads the same list), so each variant costs one pass
 * over its holders. Only values some holder carries are returned: no other value can be in a rule.
 */
export function countHeldValues<P extends CountedPerson>(
  everyone: readonly P[],
  isHolder: (person: P) => boolean
): PropertyCounts {
  const totals = totalsOf(everyone);
  const counts: PropertyCounts = new Map(RULE_PROPERTIES.map((p) => [p, new Map()]));
  for (const person of everyone) {
    if (!isHolder(person)) continue;
    for (const { property, value, key } of usableValuesOf(person)) {
      const byValue = counts.get(property);
      if (!byValue) continue;
      let count = byValue.get(key);
      if (!count) {
        const total = totals.get(property)?.get(key) ?? 0;
        count = { spelling: value, holders: 0, total };
        byValue.set(key, count);
      }
      count.holders++;
      noteSpelling(count, value);
    }
  }
  return counts;
}

const totalsCache = new WeakMap<readonly CountedPerson[], Map<RuleProperty, Map<string, number>>>();

function totalsOf(everyone: readonly CountedPerson[]): Map<RuleProperty, Map<string, number>> {
  const cached = totalsCache.get(everyone);
  if (cached) return cached;
  const totals = new Map<RuleProperty, Map<string, number>>(
    RULE_PROPERTIES.map((p) => [p, new Map()])
  );
  for (const person of everyone) {
    for (const { property, key } of usableValuesOf(person)) {
      const byValue = totals.get(property);
      if (!byValue) continue;
      byValue.set(key, (byValue.get(key) ?? 0) + 1);
    }
  }
  totalsCache.set(everyone, totals);
  return totals;
}

/** Counts for a population in one pass (the people a first clause matches, when narrowing it). */
export function countValues<P extends CountedPerson>(
  people: Iterable<P>,
  isHolder: (person: P) => boolean
): PropertyCounts {
  const counts: PropertyCounts = new Map(RULE_PROPERTIES.map((p) => [p, new Map()]));
  for (const person of people) {
    const holder = isHolder(person);
    for (const { property, value, key } of usableValuesOf(person)) {
      const byValue = counts.get(property);
      if (!byValue) continue;
      let count = byValue.get(key);
      if (!count) {
        count = { spelling: value, holders: 0, total: 0 };
        byValue.set(key, count);
      }
      count.total++;
      if (holder) {
        count.holders++;
        noteSpelling(count, value);
      }
    }
  }
  return counts;
}

/** A person's rule values worth a clause, each with its key as Entra compares it (without regard to case). */
function* usableValuesOf(
  person: CountedPerson
): Generator<{ property: RuleProperty; value: string; key: string }> {
  for (const property in person.attributes) {
    const value = person.attributes[property as RuleProperty];
    if (usableValue(value))
      yield { property: property as RuleProperty, value, key: value.toLowerCase() };
  }
}

function noteSpelling(count: ValueCount, value: string): void {
  if (!count.spellings && value === count.spelling) return;
  if (!count.spellings) count.spellings = new Map([[count.spelling, count.holders - 1]]);
  const seen = (count.spellings.get(value) ?? 0) + 1;
  count.spellings.set(value, seen);
  if (seen > (count.spellings.get(count.spelling) ?? 0)) count.spelling = value;
}
