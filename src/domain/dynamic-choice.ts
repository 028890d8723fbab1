import type { Person } from './approvals';
import type { PlannedGroup } from './group-plan';
import { ruleMatches, ruleText, type ProposedRule, type RuleAttributes } from './proposed-rule';
import { DEFAULT_INFERENCE_OPTIONS, allowedGains, requiredMatches } from './rule-candidate';

/**
 * An admin's choice of a dynamic licensing group for one variant of the plan (`group N dynamic`), and
 * what it turns that variant's planned group into: a new dynamic group with the rule, plus a static
 * exceptions group for the holders the rule misses. Pure.
 */

/** A user as the choice needs them: who they are and what a rule reads. */
export interface RuleSubject {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly attributes: RuleAttributes;
}

export interface NamedUser {
  readonly id: string;
  readonly userPrincipalName: string;
}

export interface DynamicChoice {
  /** The planned (static) group of the variant, by display name: the choice binds to it. */
  readonly variantName: string;
  readonly skuId: string;
  readonly rule: ProposedRule;
  readonly ruleText: string;
  /** Holders of the variant the rule matches: the dynamic group is meant to hold them. */
  readonly expected: readonly NamedUser[];
  /** Holders the rule does not match: the exceptions group holds them. */
  readonly misses: readonly NamedUser[];
  /** How many who do not hold the variant the rule matches (new seats), and the first of them. */
  readonly gainCount: number;
  readonly gainSample: readonly string[];
  readonly chosenBy: Person;
  readonly chosenAt: string;
}

/** The choice cannot be made as asked; the message says why. Nothing was recorded. */
export class GroupChoiceError extends Error {}

const SAMPLE = 5;

/** Who a rule matches among a variant's holders, and how many others it matches. */
export function ruleReach(
  rule: ProposedRule,
  holderIds: readonly string[],
  everyone: readonly RuleSubject[]
): { expected: NamedUser[]; misses: NamedUser[]; gains: NamedUser[] } {
  const holders = new Set(holderIds.map((id) => id.toLowerCase()));
  const reach = {
    expected: [] as NamedUser[],
    misses: [] as NamedUser[],
    gains: [] as NamedUser[],
  };
  for (const user of everyone) {
    const named = { id: user.id, userPrincipalName: user.userPrincipalName };
    const matches = ruleMatches(rule, user.attributes);
    if (holders.has(user.id.toLowerCase())) (matches ? reach.expected : reach.misses).push(named);
    else if (matches) reach.gains.push(named);
  }
  return reach;
}

/** Why a rule is not precise enough for a variant of this many holders, or null. */
export function imprecision(
  holders: number,
  reach: { expected: readonly unknown[]; misses: readonly unknown[]; gains: readonly unknown[] }
): string | null {
  // The inference's own thresholds: a rule it offered and a rule re-counted now are held to the same bar.
  const needed = requiredMatches(holders, DEFAULT_INFERENCE_OPTIONS);
  const allowed = allowedGains(holders, DEFAULT_INFERENCE_OPTIONS);
  if (reach.expected.length < needed)
    return `it matches ${reach.expected.length} of the ${holders} holders (at least ${needed} needed; the others would stay in an exceptions group)`;
  if (reach.gains.length > allowed)
    return `it would license ${reach.gains.length} people who do not hold it today (at most ${allowed})`;
  return null;
}

/**
 * The choice of candidate `candidateNumber` (1-based) for variant `variantNumber` (1-based, as `plan`
 * numbers them), or a specific error: a number out of range, a group that already exists (the bot never
 * converts a licensing group to dynamic), a rule that is not precise enough.
 */
export function chooseDynamicGroup(input: {
  readonly groups: readonly PlannedGroup[];
  readonly variantNumber: number;
  readonly candidates: readonly ProposedRule[];
  readonly candidateNumber: number;
  readonly everyone: readonly RuleSubject[];
  readonly by: Person;
  readonly at: Date;
}): DynamicChoice {
  const { groups, variantNumber, candidates, candidateNumber } = input;
  const variant = groups[variantNumber - 1];
  if (!variant)
    throw new GroupChoiceError(
      groups.length === 0
        ? 'Nobody holds a license directly: there is no variant to choose a group for.'
        : `There is no variant ${variantNumber}: \`plan\` numbers them 1 to ${groups.length}.`
    );
  if (variant.existingGroupId)
    throw new GroupChoiceError(
      `Variant ${variantNumber} goes to the existing group "${variant.displayName}". I never turn an existing licensing group dynamic (Entra removes every member first, and their licenses with them); it stays as it is.`
    );
  if (candidates.length === 0)
    throw new GroupChoiceError(
      `No membership rule is precise enough for variant ${variantNumber} ("${variant.displayName}"): it keeps a static group.`
    );
  const rule = candidates[candidateNumber - 1];
  if (!rule)
    throw new GroupChoiceError(
      `Variant ${variantNumber} has ${candidates.length === 1 ? 'one candidate rule (1)' : `candidate rules 1 to ${candidates.length}`}; there is no candidate ${candidateNumber}.`
    );
  const reach = ruleReach(rule, variant.userIds, input.everyone);
  const why = imprecision(variant.userIds.length, reach);
  if (why)
    throw new GroupChoiceError(
      `${ruleText(rule)} is not precise enough for variant ${variantNumber}: ${why}. It keeps a static group.`
    );
  return {
    variantName: variant.displayName,
    skuId: variant.skuId,
    rule,
    ruleText: ruleText(rule),
    expected: reach.expected,
    misses: reach.misses,
    gainCount: reach.gains.length,
    gainSample: reach.gains.slice(0, SAMPLE).map((u) => u.userPrincipalName),
    chosenBy: input.by,
    chosenAt: input.at.toISOString(),
  };
}

/** The dynamic group's and the exceptions group's names for a variant's planned group. */
export const dynamicGroupName = (variantName: string) => `${variantName} (dynamic)`;
export const exceptionsGroupName = (variantName: string) => `${variantName} (exceptions)`;

/**
 * The plan with each chosen variant's group replaced by a new dynamic group (members set by the rule;
 * `userIds` are the holders it is meant to hold) and, when the rule misses anyone, a new static
 * exceptions group with them. A choice whose variant is no longer planned, or planned differently, is
 * dropped (the caller says so).
 */
export function withDynamicGroups(
  groups: readonly PlannedGroup[],
  choices: readonly DynamicChoice[]
): PlannedGroup[] {
  return groups.flatMap((group): PlannedGroup[] => {
    const choice = choices.find((c) => c.variantName === group.displayName);
    if (!choice || group.existingGroupId) return [group];
    const dynamic: PlannedGroup = {
      ...group,
      displayName: dynamicGroupName(group.displayName),
      mailNickname: `${group.mailNickname.slice(0, 56)}-dyn`,
      userIds: choice.expected.map((u) => u.id),
      toAdd: 0,
      sampleUserPrincipalNames: choice.expected.slice(0, SAMPLE).map((u) => u.userPrincipalName),
      membershipRule: choice.ruleText,
    };
    if (choice.misses.length === 0) return [dynamic];
    return [
      dynamic,
      {
        ...group,
        displayName: exceptionsGroupName(group.displayName),
        mailNickname: `${group.mailNickname.slice(0, 56)}-exc`,
        userIds: choice.misses.map((u) => u.id),
        toAdd: choice.misses.length,
        sampleUserPrincipalNames: choice.misses.slice(0, SAMPLE).map((u) => u.userPrincipalName),
        exceptionsFor: dynamic.displayName,
      },
    ];
  });
}

const firstNames = (users: readonly NamedUser[]) =>
  users.length === 0
    ? 'nobody'
    : `${users
        .slice(0, 3)
        .map((u) => u.userPrincipalName)
        .join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''}`;

/** What the assign sign-off card says of a dynamic variant. */
export function dynamicChoiceSummary(choice: DynamicChoice): string[] {
  return [
    `Create the dynamic group "${dynamicGroupName(choice.variantName)}" with the rule ${choice.ruleText}, first without any license: Entra computes its members, I compare them with the ${choice.expected.length} expected, and a second sign-off with Entra's numbers licenses it.`,
    `The rule matches ${choice.expected.length} of the ${choice.expected.length + choice.misses.length} holders (e.g. ${firstNames(choice.expected)}); it misses ${choice.misses.length} (${firstNames(choice.misses)}), who go to the static group "${exceptionsGroupName(choice.variantName)}".`,
    `It would newly license ${choice.gainCount} ${choice.gainCount === 1 ? 'person' : 'people'} who do not hold it today (new seats${choice.gainSample.length > 0 ? `: ${choice.gainSample.slice(0, 3).join(', ')}` : ''}). Members of dynamic groups need Entra ID P1.`,
  ];
}
