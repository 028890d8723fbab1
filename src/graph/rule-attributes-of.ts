import type { RuleAttributes } from '../domain/proposed-rule';

/** The user properties rules read, as Graph names them (`officeLocation` is the rules' physicalDeliveryOfficeName). */
export const RULE_ATTRIBUTE_SELECT = [
  'department',
  'jobTitle',
  'companyName',
  'officeLocation',
  'city',
  'state',
  'country',
  'employeeId',
  'onPremisesExtensionAttributes',
] as const;

export interface GraphRuleProperties {
  department?: string | null;
  jobTitle?: string | null;
  companyName?: string | null;
  officeLocation?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  usageLocation?: string | null;
  employeeId?: string | null;
  onPremisesExtensionAttributes?: Record<string, string | null> | null;
}

/** A Graph user's values for the properties a proposed rule may test; those not set are absent. */
export function ruleAttributesOf(user: GraphRuleProperties): RuleAttributes {
  const values: Record<string, string | null | undefined> = {
    department: user.department,
    jobTitle: user.jobTitle,
    companyName: user.companyName,
    physicalDeliveryOfficeName: user.officeLocation,
    city: user.city,
    state: user.state,
    country: user.country,
    usageLocation: user.usageLocation,
    employeeId: user.employeeId,
    ...(user.onPremisesExtensionAttributes ?? {}),
  };
  return Object.fromEntries(
    Object.entries(values).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string'
    )
  ) as RuleAttributes;
}
