import type { HygieneFinding } from './attribute-hygiene';
import type { GroupPlan } from './group-plan';
import { licenseSourcesOf, type SkuSnapshot, type UserLicenseSnapshot } from './licenses';
import type { InferenceOptions, RuleCandidate, RulePerson } from './rule-candidate';
import { inferMembershipRules } from './rule-inference';
import { p1CoverageOf, seatImpactOf, type P1Coverage, type SeatImpact } from './rule-seats';

/**
 * For each licensing variant of the group plan, the dynamic rules that could replace its static group,
 * with what each would cost in seats and Entra ID P1. The plan shows them; an admin picks one with
 * `group <variant#> dynamic [candidate#]`, or keeps the static group. Pure.
 */

export interface RuleOffer extends RuleCandidate {
  /** Seats of the variant's SKU the rule would newly use. */
  readonly seats: SeatImpact;
  /** Entra ID P1 for the rule's members (this group alone). */
  readonly p1: P1Coverage;
}

export interface VariantRules {
  /** 1-based, in the group plan's order: what `group <variant#> …` names. */
  readonly variant: number;
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly disabledPlans: readonly string[];
  /** The static group's name in the plan. */
  readonly displayName: string;
  readonly holders: number;
  readonly candidates: readonly RuleOffer[];
  /** Why the static group stays; null when rules are offered. */
  readonly noRuleReason: string | null;
  readonly closest: RuleCandidate | null;
  readonly hygiene: readonly HygieneFinding[];
}

export interface DynamicRulePlan {
  readonly variants: readonly VariantRules[];
  /** P1 if every variant with a rule took its first candidate (members of several groups counted once). */
  readonly p1IfFirstCandidates: P1Coverage;
}

/** The inference's view of a user: rule attributes and the SKUs held by any path today. */
export function rulePersonOf(user: UserLicenseSnapshot): RulePerson {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    attributes: user.ruleAttributes ?? {},
    heldSkuIds: [...licenseSourcesOf(user).keys()],
  };
}

export function proposeDynamicRules(
  plan: GroupPlan,
  everyone: readonly RulePerson[],
  skus: readonly SkuSnapshot[],
  options: InferenceOptions = {}
): DynamicRulePlan {
  const people = new Map(everyone.map((p) => [p.id, p]));
  const bySkuId = new Map(skus.map((s) => [s.skuId.toLowerCase(), s]));
  const firstMembers = new Set<string>();
  const variants = plan.groups.map((group, index): VariantRules => {
    const holderIds = new Set(group.userIds);
    const inference = inferMembershipRules(holderIds, everyone, options);
    const sku = bySkuId.get(group.skuId.toLowerCase()) ?? unknownSku(group);
    const candidates = inference.candidates.map((candidate): RuleOffer => {
      const members = membersOf(candidate, holderIds);
      if (candidate.number === 1) members.forEach((id) => firstMembers.add(id));
      return {
        ...candidate,
        seats: seatImpactOf(candidate.gains, sku, people),
        p1: p1CoverageOf(members, skus, people),
      };
    });
    return {
      variant: index + 1,
      skuId: group.skuId,
      skuPartNumber: group.skuPartNumber,
      disabledPlans: group.disabledPlans,
      displayName: group.displayName,
      holders: inference.holders,
      candidates,
      noRuleReason: inference.noRuleReason,
      closest: inference.closest,
      hygiene: inference.hygiene,
    };
  });
  return { variants, p1IfFirstCandidates: p1CoverageOf(firstMembers, skus, people) };
}

/** Whom the rule's group would contain: the holders it matches and the people it gains. */
function membersOf(candidate: RuleCandidate, holderIds: ReadonlySet<string>): Set<string> {
  const missed = new Set(candidate.misses.map((m) => m.userId));
  const members = new Set([...holderIds].filter((id) => !missed.has(id)));
  candidate.gains.forEach((g) => members.add(g.userId));
  return members;
}

// A SKU the tenant no longer lists: no seats are known to be free.
const unknownSku = (group: { skuId: string; skuPartNumber: string }): SkuSnapshot => ({
  skuId: group.skuId,
  skuPartNumber: group.skuPartNumber,
  prepaidUnits: 0,
  consumedUnits: 0,
  servicePlans: [],
});
