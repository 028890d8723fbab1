import { GraphError } from './graph-error';
import { MembershipRuleError, parseMembershipRule } from './membership-rule';

/** The dynamic membership properties of a group, as POST and PATCH /groups take them. */
export interface DynamicGroupProperties {
  readonly membershipRule: string | null;
  readonly membershipRuleProcessingState: 'On' | 'Paused' | null;
}

const invalid = (property: string) =>
  new GraphError(
    400,
    'Request_BadRequest',
    `Invalid value specified for property '${property}' of resource 'Group'.`
  );

/** A rule Graph accepts, else 400 Request_BadRequest with Entra's validation message. */
export function checkedMembershipRule(value: unknown): string {
  if (typeof value !== 'string') throw invalid('membershipRule');
  try {
    parseMembershipRule(value);
  } catch (error) {
    // Graph's code for a refused rule; the portal's message (rule-error.ts). Unverified for Graph.
    if (error instanceof MembershipRuleError)
      throw new GraphError(400, 'Request_BadRequest', error.message);
    throw error;
  }
  return value;
}

/** On or Paused; anything else is refused. */
export function checkedProcessingState(value: unknown): 'On' | 'Paused' {
  if (value !== 'On' && value !== 'Paused') throw invalid('membershipRuleProcessingState');
  return value;
}

/**
 * POST /groups: a group with DynamicMembership in groupTypes needs a valid membershipRule; processing is On
 * unless Paused is asked for (group-post-groups, groupTypes and membershipRuleProcessingState). A rule or a
 * processing state on a group without DynamicMembership is refused (wording unverified).
 */
export function dynamicGroupPropertiesOnCreate(
  body: Readonly<Record<string, unknown>>,
  groupTypes: readonly string[]
): DynamicGroupProperties {
  const given = (name: string) => body[name] !== undefined && body[name] !== null;
  if (!groupTypes.includes('DynamicMembership')) {
    if (given('membershipRule')) throw invalid('membershipRule');
    if (given('membershipRuleProcessingState')) throw invalid('membershipRuleProcessingState');
    return { membershipRule: null, membershipRuleProcessingState: null };
  }
  if (!given('membershipRule')) {
    throw new GraphError(
      400,
      'Request_BadRequest',
      "Property 'membershipRule' is required for resource 'Group' but is missing."
    );
  }
  return {
    membershipRule: checkedMembershipRule(body.membershipRule),
    membershipRuleProcessingState: given('membershipRuleProcessingState')
      ? checkedProcessingState(body.membershipRuleProcessingState)
      : 'On',
  };
}
