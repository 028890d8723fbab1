import type { RuleAttributes, RuleProperty } from '../domain/proposed-rule';

/**
 * The user properties a dynamic membership rule may test, as Graph v1.0 names them on the user resource:
 * the rules' `physicalDeliveryOfficeName` is Graph's `officeLocation`, and extensionAttribute1–15 sit in
 * `onPremisesExtensionAttributes`. Read with every user so the plan can infer a rule from one pass.
 */
export const USER_RULE_PROPERTIES = [
  'department',
  'jobTitle',
  'companyName',
  'officeLocation',
  'city',
  'state',
  'country',
  'usageLocation',
  'employeeId',
  'onPremisesExtensionAttributes',
];

/** The rule-relevant part of a Graph user, as it comes over the wire. */
export interface GraphRuleFields {
  department?: string | null;
  jobTitle?: string | null;
  companyName?: string | null;
  officeLocation?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  usageLocation?: string | null;
  employeeId?: string | null;
  onPremisesExtensionAttributes?: Record<string, string | null | undefined> | null;
}

const SAME_NAME: readonly RuleProperty[] = [
  'department',
  'jobTitle',
  'companyName',
  'city',
  'state',
  'country',
  'usageLocation',
  'employeeId',
];

/** A Graph user's values by the rules' property names; properties Graph did not set are left out. */
export function ruleAttributesOf(user: GraphRuleFields): RuleAttributes {
  const attributes: Partial<Record<RuleProperty, string>> = {};
  for (const property of SAME_NAME) {
    const value = user[property as keyof GraphRuleFields];
    if (typeof value === 'string') attributes[property] = value;
  }
  if (typeof user.officeLocation === 'string')
    attributes.physicalDeliveryOfficeName = user.officeLocation;
  for (const [name, value] of Object.entries(user.onPremisesExtensionAttributes ?? {})) {
    if (/^extensionAttribute([1-9]|1[0-5])$/.test(name) && typeof value === 'string')
      attributes[name as RuleProperty] = value;
  }
  return attributes;
}
