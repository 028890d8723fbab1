import { imprecision, ruleReach, type RuleSubject } from './dynamic-choice';
import { RULE_PROPERTIES, type ProposedRule } from './proposed-rule';

/**
 * The candidate rules `group N dynamic [c]` numbers for a variant, most precise first: for each property,
 * one `-eq` on the value most of the holders share, kept when it is precise enough. A stand-in until the
 * plan's own inference (`inferMembershipRules`) numbers the candidates; the choice re-counts whatever it
 * is given. Pure.
 */
export function ruleCandidates(
  holderIds: readonly string[],
  everyone: readonly RuleSubject[]
): ProposedRule[] {
  const holders = new Set(holderIds.map((id) => id.toLowerCase()));
  const holderSubjects = everyone.filter((u) => holders.has(u.id.toLowerCase()));
  const scored: { rule: ProposedRule; cost: number }[] = [];
  for (const property of RULE_PROPERTIES) {
    const counts = new Map<string, number>();
    for (const user of holderSubjects) {
      const value = user.attributes[property];
      if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const common = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    if (!common) continue;
    const rule: ProposedRule = { clauses: [{ property, values: [common[0]] }] };
    const reach = ruleReach(rule, holderIds, everyone);
    if (imprecision(holderIds.length, reach) === null)
      scored.push({ rule, cost: reach.misses.length + reach.gains.length });
  }
  return scored.sort((a, b) => a.cost - b.cost).map((s) => s.rule);
}
