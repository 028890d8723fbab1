import { attributeHygiene, type HygieneFinding } from './attribute-hygiene';
import { clauseOptions, type ClauseOption } from './clause-options';
import {
  RULE_PROPERTIES,
  ruleMatches,
  ruleText,
  type ProposedRule,
  type RuleClause,
} from './proposed-rule';
import {
  DEFAULT_INFERENCE_OPTIONS,
  MAX_RULE_LENGTH,
  allowedGains,
  requiredMatches,
  type InferenceOptions,
  type PersonRef,
  type RuleCandidate,
  type RulePerson,
} from './rule-candidate';
import { countHeldValues, countValues, type PropertyCounts } from './rule-value-counts';

/**
 * Infers the dynamic membership rules that would keep a licensing variant's group right by itself: rules
 * over the users' organisational attributes that match the people holding the variant directly today.
 * Simple rules first (one `-eq`, then one `-in`, then two clauses joined by `-and`); only rules that meet
 * the coverage and gain thresholds are offered, and when none does, the reason says which came closest.
 * Linear in users: values are counted in one pass, a few broad clauses are narrowed in one pass each, and
 * each offered rule is checked once more against everyone for its exact misses and gains. Pure.
 */

export interface RuleInference {
  readonly holders: number;
  /** Precise-enough rules, best first, numbered from 1. */
  readonly candidates: readonly RuleCandidate[];
  /** When none is precise enough: the rule that came closest (not offered), for the reason. */
  readonly closest: RuleCandidate | null;
  /** Why no rule is offered (the static group stays); null when there are candidates. */
  readonly noRuleReason: string | null;
  /** Hygiene among the holders for the properties of the first candidate (or the closest rule). */
  readonly hygiene: readonly HygieneFinding[];
}

interface Scored {
  readonly rule: ProposedRule;
  readonly matched: number;
  readonly gains: number;
}

/** Broad clauses narrowed by a second clause: each costs one pass over the users it matches. */
const CLAUSES_TO_NARROW = 3;

export function inferMembershipRules(
  holderIds: ReadonlySet<string>,
  everyone: readonly RulePerson[],
  options: InferenceOptions = {}
): RuleInference {
  const settings = { ...DEFAULT_INFERENCE_OPTIONS, ...options };
  const holders = holderIds.size;
  const none = (noRuleReason: string): RuleInference => ({
    holders,
    candidates: [],
    closest: null,
    noRuleReason,
    hygiene: [],
  });
  if (holders < settings.minHolders)
    return none(
      `Only ${holders} user(s) hold it: a static group is simpler than a rule (a rule needs at least ${settings.minHolders}).`
    );
  const isHolder = (person: RulePerson) => holderIds.has(person.id);
  const counts = countHeldValues(everyone, isHolder);
  const singles = clauseOptions(counts, holders, settings);
  const isPrecise = (s: Scored) =>
    s.matched >= requiredMatches(holders, settings) && s.gains <= allowedGains(holders, settings);
  // Two clauses rank after one: not worth a pass when enough single clauses are precise.
  const enoughSingles = singles.map(asScored).filter(isPrecise).length >= settings.maxCandidates;
  const scored = [
    ...singles.map(asScored),
    ...(enoughSingles ? [] : narrowed(singles, counts, everyone, isHolder, holders, settings)),
  ].filter((s) => ruleText(s.rule).length <= MAX_RULE_LENGTH);
  const precise = distinct(scored)
    .filter(isPrecise)
    .sort(byPreference(holders))
    .slice(0, settings.maxCandidates);
  if (precise.length > 0) {
    const candidates = precise.map((s, i) => candidateOf(s.rule, i + 1, everyone, isHolder));
    return {
      holders,
      candidates: candidates.map((c) => c.candidate),
      closest: null,
      noRuleReason: null,
      hygiene: attributeHygiene(precise[0].rule.clauses, candidates[0].missed),
    };
  }
  const nearest = [...scored].sort(byErrors(holders))[0];
  if (!nearest)
    return none(
      `The ${holders} holders share no value of the properties a rule may test (department, job title, office, country, extension attributes…): the static group stays.`
    );
  const closest = candidateOf(nearest.rule, 0, everyone, isHolder);
  return {
    ...none(notPreciseReason(closest.candidate, settings)),
    closest: closest.candidate,
    hygiene: attributeHygiene(nearest.rule.clauses, closest.missed),
  };
}

const asScored = (option: ClauseOption): Scored => ({
  rule: { clauses: [option.clause] },
  matched: option.matched,
  gains: option.gains,
});

/**
 * Two-clause rules: the broad clauses that cover enough holders but match too many others, each narrowed
 * by the clauses that best separate holders from the others among the people it matches. A pair where
 * either clause changes nothing is left out (Microsoft: avoid redundant criteria).
 */
function narrowed(
  singles: readonly ClauseOption[],
  counts: PropertyCounts,
  everyone: readonly RulePerson[],
  isHolder: (person: RulePerson) => boolean,
  holders: number,
  settings: Required<InferenceOptions>
): Scored[] {
  const broad = singles
    .filter(
      (o) =>
        o.matched >= requiredMatches(holders, settings) && o.gains > allowedGains(holders, settings)
    )
    .sort((a, b) => a.gains - b.gains)
    .slice(0, CLAUSES_TO_NARROW);
  return broad.flatMap((first) => {
    const rule = { clauses: [first.clause] };
    const within = everyone.filter((p) => ruleMatches(rule, p.attributes));
    return clauseOptions(
      countValues(within, isHolder),
      holders,
      settings,
      new Set([first.clause.property])
    )
      .filter((second) => second.gains < first.gains && second.gains < gainsAlone(second, counts))
      .map((second) => ({
        rule: { clauses: inPropertyOrder([first.clause, second.clause]) },
        matched: second.matched,
        gains: second.gains,
      }));
  });
}

/** Whom a clause would gain on its own, from the whole directory's counts. */
function gainsAlone(option: ClauseOption, counts: PropertyCounts): number {
  const byValue = counts.get(option.clause.property);
  return option.clause.values.reduce((sum, value) => {
    const count = byValue?.get(value.toLowerCase());
    return sum + (count ? count.total - count.holders : 0);
  }, 0);
}

const inPropertyOrder = (clauses: RuleClause[]) =>
  clauses.sort((a, b) => RULE_PROPERTIES.indexOf(a.property) - RULE_PROPERTIES.indexOf(b.property));

function distinct(scored: readonly Scored[]): Scored[] {
  const seen = new Set<string>();
  return scored.filter((s) => {
    const key = ruleText(s.rule).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One `-eq`, then one `-in`, then two clauses. */
const simplicity = (rule: ProposedRule) =>
  rule.clauses.length > 1 ? 2 : rule.clauses[0].values.length > 1 ? 1 : 0;
const valueCount = (rule: ProposedRule) => rule.clauses.reduce((n, c) => n + c.values.length, 0);
const errors = (s: Scored, holders: number) => holders - s.matched + s.gains;

const byPreference = (holders: number) => (a: Scored, b: Scored) =>
  simplicity(a.rule) - simplicity(b.rule) ||
  errors(a, holders) - errors(b, holders) ||
  valueCount(a.rule) - valueCount(b.rule);

const byErrors = (holders: number) => (a: Scored, b: Scored) =>
  errors(a, holders) - errors(b, holders) || simplicity(a.rule) - simplicity(b.rule);

/** The rule checked against everyone: exactly whom it misses and whom it newly licenses. */
function candidateOf(
  rule: ProposedRule,
  number: number,
  everyone: readonly RulePerson[],
  isHolder: (person: RulePerson) => boolean
): { candidate: RuleCandidate; missed: (PersonRef & { attributes: RulePerson['attributes'] })[] } {
  const missed: (PersonRef & { attributes: RulePerson['attributes'] })[] = [];
  const gains: PersonRef[] = [];
  let holders = 0;
  for (const person of everyone) {
    const holder = isHolder(person);
    const matches = ruleMatches(rule, person.attributes);
    if (holder) holders++;
    const ref = { userId: person.id, userPrincipalName: person.userPrincipalName };
    if (holder && !matches) missed.push({ ...ref, attributes: person.attributes });
    else if (!holder && matches) gains.push(ref);
  }
  const misses = missed.map(({ userId, userPrincipalName }) => ({ userId, userPrincipalName }));
  return {
    candidate: {
      number,
      rule,
      text: ruleText(rule),
      matched: holders - misses.length,
      holders,
      misses,
      gains,
    },
    missed,
  };
}

function notPreciseReason(closest: RuleCandidate, settings: Required<InferenceOptions>): string {
  const share = Math.round((closest.matched / closest.holders) * 100);
  return (
    `No rule is precise enough: the closest, ${closest.text}, matches ${closest.matched} of ${closest.holders} holders (${share} %; a rule must match ${Math.round(settings.minCoverage * 100)} %) ` +
    `and ${closest.gains.length} other user(s) (at most ${allowedGains(closest.holders, settings)}): the static group stays.`
  );
}
