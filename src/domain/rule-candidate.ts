import type { ProposedRule, RuleAttributes } from './proposed-rule';

/** The plain data rule inference reads and returns. */

/** Someone the directory knows, as the inference reads them. */
export interface RulePerson {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly attributes: RuleAttributes;
  /** SKUs the user holds by any path today (lower-case ids): a gain among them needs no new seat. */
  readonly heldSkuIds?: readonly string[];
}

/** A user named in a result. */
export interface PersonRef {
  readonly userId: string;
  readonly userPrincipalName: string;
}

export interface RuleCandidate {
  /** 1-based, in rank order within the variant: what `group <variant#> dynamic <candidate#>` names. */
  readonly number: number;
  readonly rule: ProposedRule;
  /** The rule as Entra takes it. */
  readonly text: string;
  /** Holders the rule matches. */
  readonly matched: number;
  readonly holders: number;
  /** Holders the rule does not match: they would need a static exceptions group. */
  readonly misses: readonly PersonRef[];
  /** Non-holders the rule matches: each would newly receive the license. */
  readonly gains: readonly PersonRef[];
}

/** Thresholds a rule must meet to be offered; every one is an option with a default. */
export interface InferenceOptions {
  /**
   * Share of holders the rule must match (default 0.9). Each miss is a member of a static exceptions group
   * someone must keep up by hand: below nine in ten, the rule retires too little of the script's work.
   */
  readonly minCoverage?: number;
  /**
   * Non-holders the rule may match, as a share of holders (default 0.05). Each is a new seat and a person
   * given a license nobody chose for them; one in twenty keeps the cost small enough to review by name.
   */
  readonly maxGainShare?: number;
  /** Values one `-in` may list (default 5): a longer list is a static group in disguise. */
  readonly maxInValues?: number;
  /** Candidates offered per variant (default 3). */
  readonly maxCandidates?: number;
  /** Fewer holders than this (default 5) and a static group is simpler than any rule. */
  readonly minHolders?: number;
}

export const DEFAULT_INFERENCE_OPTIONS: Required<InferenceOptions> = {
  minCoverage: 0.9,
  maxGainShare: 0.05,
  maxInValues: 5,
  maxCandidates: 3,
  minHolders: 5,
};

/** Entra refuses a rule body longer than this (Microsoft Learn, dynamic membership rules). */
export const MAX_RULE_LENGTH = 3072;

/** The most non-holders a precise-enough rule may match for this many holders. */
export const allowedGains = (holders: number, options: Required<InferenceOptions>) =>
  Math.floor(holders * options.maxGainShare);

/** The fewest holders a precise-enough rule must match. */
export const requiredMatches = (holders: number, options: Required<InferenceOptions>) =>
  Math.ceil(holders * options.minCoverage);
