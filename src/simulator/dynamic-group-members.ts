import type { DirectoryUser } from './directory-model';
import {
  MembershipRuleError,
  evaluateMembershipRule,
  parseMembershipRule,
  type RuleNode,
} from './membership-rule';
import type { FixtureGroup } from './tenant-fixture';
import { ruleSubjectOf } from './user-rule-values';

/** A group whose members Entra sets from its membership rule. */
export function isDynamicGroup(group: { readonly groupTypes: readonly string[] }): boolean {
  return group.groupTypes.includes('DynamicMembership');
}

/** Whether a user matches a parsed membership rule. */
export function userMatchesRule(user: DirectoryUser, rule: RuleNode): boolean {
  return evaluateMembershipRule(rule, ruleSubjectOf(user));
}

/**
 * A fixture group's members when the tenant loads: as listed, or, for a dynamic group that lists none,
 * every user its rule matches (a fixture describes a settled tenant).
 */
export function fixtureGroupMembers(group: FixtureGroup, users: Iterable<DirectoryUser>): string[] {
  if (group.members !== undefined || !isDynamicGroup(group) || !group.membershipRule)
    return [...(group.members ?? [])];
  const rule = parseMembershipRule(group.membershipRule);
  return [...users].filter((user) => userMatchesRule(user, rule)).map((user) => user.id);
}

/** What is wrong with a fixture group's dynamic membership, or null: a rule only and always on a dynamic group. */
export function membershipRuleProblem(group: FixtureGroup): string | null {
  if (!isDynamicGroup(group))
    return group.membershipRule
      ? 'has a membershipRule but no DynamicMembership in groupTypes'
      : null;
  if (!group.membershipRule) return 'is dynamic (DynamicMembership) but has no membershipRule';
  try {
    parseMembershipRule(group.membershipRule);
    return null;
  } catch (error) {
    if (error instanceof MembershipRuleError)
      return `has a membershipRule Entra refuses: ${error.message}`;
    throw error;
  }
}
