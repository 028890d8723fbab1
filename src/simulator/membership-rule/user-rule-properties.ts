/**
 * The user properties a membership rule may name, with their types, as groups-dynamic-membership.md lists
 * them ("Supported properties"; extension attributes 1–15 and custom `extension_<appId>_<name>`
 * properties under "Extension properties and custom extension properties").
 */

export type RulePropertyType = 'string' | 'boolean';

const BOOLEAN_PROPERTIES = ['accountEnabled', 'dirSyncEnabled'];

const STRING_PROPERTIES = [
  'city',
  'country',
  'companyName',
  'department',
  'displayName',
  'employeeId',
  'facsimileTelephoneNumber',
  'givenName',
  'jobTitle',
  'mail',
  'mailNickName',
  'mobile',
  'objectId',
  'onPremisesDistinguishedName',
  'onPremisesSecurityIdentifier',
  'passwordPolicies',
  'physicalDeliveryOfficeName',
  'postalCode',
  'preferredLanguage',
  'sipProxyAddress',
  'state',
  'streetAddress',
  'surname',
  'telephoneNumber',
  'usageLocation',
  'userPrincipalName',
  'userType',
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
];

const BY_LOWER_NAME = new Map<string, { name: string; type: RulePropertyType }>([
  ...BOOLEAN_PROPERTIES.map(
    (name) => [name.toLowerCase(), { name, type: 'boolean' as const }] as const
  ),
  ...STRING_PROPERTIES.map(
    (name) => [name.toLowerCase(), { name, type: 'string' as const }] as const
  ),
]);

/** `extension_<app id without dashes>_<name>`: a directory extension, compared as a string. */
const CUSTOM_EXTENSION = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i;

/**
 * The canonical name and type of a user property a rule names, or undefined when rules cannot use it.
 * Names are matched without regard to case: the docs' own examples spell one property two ways
 * (`mailNickName` / `mailNickname`, `employeeHireDate` / `employeehiredate`).
 */
export function userRuleProperty(
  name: string
): { readonly name: string; readonly type: RulePropertyType } | undefined {
  const known = BY_LOWER_NAME.get(name.toLowerCase());
  if (known) return known;
  return CUSTOM_EXTENSION.test(name) ? { name, type: 'string' } : undefined;
}

/** Every built-in property name rules may use (for generators and documentation). */
export const USER_RULE_PROPERTY_NAMES: readonly string[] = [
  ...BOOLEAN_PROPERTIES,
  ...STRING_PROPERTIES,
];
