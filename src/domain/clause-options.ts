import { spellingVariantOf } from './attribute-hygiene';
import { RULE_PROPERTIES, type RuleClause, type RuleProperty } from './proposed-rule';
import { requiredMatches, type InferenceOptions } from './rule-candidate';
import type { PropertyCounts, ValueCount } from './rule-value-counts';

/**
 * The single clauses worth scoring for one population, from its value counts: each property's most held
 * values as `-eq`, and per property up to two `-in` lists — the values mostly held by holders (a precise
 * list), and the values that reach coverage whoever else has them (a broad list a second clause may
 * narrow). A value only one holder carries is never a rule value: a rule that names one person is a
 * static membership in disguise, and typos are reported as hygiene instead. Pure.
 */

export interface ClauseOption {
  readonly clause: RuleClause;
  /** Holders in the population the clause matches. */
  readonly matched: number;
  /** Others in the population it matches. */
  readonly gains: number;
}

/** `-eq` values kept per property: enough for ranking, few enough to stay fast at any scale. */
const EQ_VALUES_PER_PROPERTY = 5;
/** A value goes in a precise `-in` list only if most who carry it hold the variant. */
const PRECISE_VALUE_SHARE = 0.5;

export function clauseOptions(
  counts: PropertyCounts,
  holders: number,
  options: Required<InferenceOptions>,
  except: ReadonlySet<RuleProperty> = new Set()
): ClauseOption[] {
  const result: ClauseOption[] = [];
  for (const property of RULE_PROPERTIES) {
    if (except.has(property)) continue;
    const values = [...(counts.get(property)?.values() ?? [])]
      .filter((v) => v.holders >= Math.min(2, holders))
      .sort((a, b) => b.holders - a.holders || a.total - b.total);
    for (const value of values.slice(0, EQ_VALUES_PER_PROPERTY))
      result.push(optionOf(property, [value]));
    const precise = inList(
      values.filter((v) => v.holders / v.total >= PRECISE_VALUE_SHARE),
      holders,
      options
    );
    const broad = inList(values, holders, options);
    for (const list of [precise, broad]) if (list.length > 1) result.push(optionOf(property, list));
  }
  return dedupe(result);
}

/** Values taken most-held first, skipping spelling variants of those taken, until the list covers enough. */
function inList(
  values: readonly ValueCount[],
  holders: number,
  options: Required<InferenceOptions>
): ValueCount[] {
  const taken: ValueCount[] = [];
  let matched = 0;
  for (const value of values) {
    if (taken.length === options.maxInValues || matched >= requiredMatches(holders, options)) break;
    if (
      spellingVariantOf(
        value.spelling,
        taken.map((t) => t.spelling)
      ) !== null
    )
      continue;
    taken.push(value);
    matched += value.holders;
  }
  return matched >= requiredMatches(holders, options) ? taken : [];
}

function optionOf(property: RuleProperty, values: readonly ValueCount[]): ClauseOption {
  return {
    clause: { property, values: values.map((v) => v.spelling) },
    matched: values.reduce((sum, v) => sum + v.holders, 0),
    gains: values.reduce((sum, v) => sum + v.total - v.holders, 0),
  };
}

function dedupe(options: ClauseOption[]): ClauseOption[] {
  const seen = new Set<string>();
  return options.filter((o) => {
    const key = `${o.clause.property}|${o.clause.values.map((v) => v.toLowerCase()).join('|')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
