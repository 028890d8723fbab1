import type { Directory, DirectoryGroup, DirectoryUser } from './directory';
import { applySelect } from './odata-query';
import type { SubscriptionStatus } from './tenant-fixture';

/** Graph v1.0 wire shapes of the simulated directory's objects (validated against the shared schema). */

export const USER_TYPE = 'microsoft.graph.user';
export const GROUP_TYPE = 'microsoft.graph.group';

/** Graph v1.0 returns these user properties when no $select is given. */
export const USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

export const USER_PROPERTIES = new Set<string>([
  ...USER_DEFAULT_PROPERTIES,
  'accountEnabled',
  'assignedLicenses',
  'city',
  'companyName',
  'country',
  'createdDateTime',
  'department',
  'employeeId',
  'licenseAssignmentStates',
  'mailNickname',
  'onPremisesExtensionAttributes',
  'state',
  'usageLocation',
  'userType',
]);

export const GROUP_DEFAULT_PROPERTIES = [
  'id',
  'createdDateTime',
  'description',
  'displayName',
  'groupTypes',
  'mail',
  'mailEnabled',
  'mailNickname',
  // "Returned by default" (group resource, v1.0).
  'membershipRule',
  'membershipRuleProcessingState',
  'securityEnabled',
] as const;

export const GROUP_PROPERTIES = new Set<string>([
  ...GROUP_DEFAULT_PROPERTIES,
  'assignedLicenses',
  'isAssignableToRole',
  'licenseProcessingState',
  'onPremisesSyncEnabled',
]);

/** A user's view cut to the selected properties (Graph's defaults without $select); unknown names refused. */
export const selectUserProperties = (
  view: Record<string, unknown>,
  select: readonly string[] | null
): Record<string, unknown> =>
  applySelect(view, select, USER_DEFAULT_PROPERTIES, USER_TYPE, USER_PROPERTIES);

/** A group's view cut to the selected properties, likewise. */
export const selectGroupProperties = (
  view: Record<string, unknown>,
  select: readonly string[] | null
): Record<string, unknown> =>
  applySelect(view, select, GROUP_DEFAULT_PROPERTIES, GROUP_TYPE, GROUP_PROPERTIES);

export function userView(directory: Directory, user: DirectoryUser): Record<string, unknown> {
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    surname: user.surname,
    jobTitle: user.jobTitle,
    mail: user.userPrincipalName,
    mailNickname: user.userPrincipalName.split('@')[0],
    mobilePhone: null,
    officeLocation: user.attributes.officeLocation,
    preferredLanguage: null,
    userPrincipalName: user.userPrincipalName,
    userType: 'Member',
    accountEnabled: user.accountEnabled,
    createdDateTime: user.createdDateTime,
    department: user.department,
    companyName: user.attributes.companyName,
    city: user.attributes.city,
    state: user.attributes.state,
    country: user.attributes.country,
    employeeId: user.attributes.employeeId,
    onPremisesExtensionAttributes: { ...user.attributes.onPremisesExtensionAttributes },
    usageLocation: user.usageLocation,
    assignedLicenses: directory.assignedLicenses(user),
    licenseAssignmentStates: directory.licenseAssignmentStates(user),
  };
}

export function groupView(group: DirectoryGroup): Record<string, unknown> {
  return {
    id: group.id,
    createdDateTime: group.createdDateTime,
    description: group.description,
    displayName: group.displayName,
    groupTypes: group.groupTypes,
    mail: group.mailEnabled ? `${group.mailNickname}@example.invalid` : null,
    mailEnabled: group.mailEnabled,
    mailNickname: group.mailNickname,
    securityEnabled: group.securityEnabled,
    membershipRule: group.membershipRule,
    membershipRuleProcessingState: group.membershipRuleProcessingState,
    onPremisesSyncEnabled: group.onPremisesSyncEnabled,
    isAssignableToRole: group.isAssignableToRole,
    assignedLicenses: [...group.licenses].map(([skuId, a]) => ({
      skuId,
      disabledPlans: [...a.disabledPlans],
    })),
    // Graph returns null for a group that has never had licenses (BEHAVIOUR.md §1, unverified).
    licenseProcessingState: group.processingState ? { state: group.processingState } : null,
  };
}

export function subscribedSkuViews(directory: Directory): Record<string, unknown>[] {
  const consumed = directory.consumedUnits();
  const tenantId = directory.organization.id;
  return [...directory.skus.values()].map((sku) => ({
    id: `${tenantId}_${sku.skuId}`,
    accountId: tenantId,
    accountName: directory.organization.displayName,
    appliesTo: 'User',
    capabilityStatus: directory.subscriptionStatus.get(sku.skuId.toLowerCase()) ?? 'Enabled',
    consumedUnits: consumed.get(sku.skuId.toLowerCase()) ?? 0,
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    subscriptionIds: [],
    prepaidUnits: prepaidUnitsOf(
      sku.prepaidUnits,
      directory.subscriptionStatus.get(sku.skuId.toLowerCase())
    ),
    servicePlans: sku.servicePlans.map((plan) => ({
      servicePlanId: plan.servicePlanId,
      servicePlanName: plan.servicePlanName,
      provisioningStatus: 'Success',
      appliesTo: 'User',
    })),
  }));
}

/** subscribedSku.prepaidUnits: the seats counted under the subscription's state (subscribedsku resource). */
function prepaidUnitsOf(units: number, status: SubscriptionStatus | undefined) {
  return {
    enabled: status === undefined || status === 'Enabled' ? units : 0,
    suspended: status === 'Suspended' ? units : 0,
    warning: status === 'Warning' ? units : 0,
    lockedOut: status === 'LockedOut' ? units : 0,
  };
}

export function organizationView(directory: Directory): Record<string, unknown> {
  const org = directory.organization;
  return {
    id: org.id,
    displayName: org.displayName,
    countryLetterCode: org.countryLetterCode,
    tenantType: 'AAD',
    verifiedDomains: [
      {
        capabilities: 'Email, OfficeCommunicationsOnline',
        isDefault: true,
        isInitial: true,
        name: org.defaultDomain,
        type: 'Managed',
      },
    ],
  };
}

/** GET /users/{id}/licenseDetails: each SKU the user holds, with each plan's provisioning status. */
export function licenseDetailsViews(
  directory: Directory,
  user: DirectoryUser
): Record<string, unknown>[] {
  return directory.assignedLicenses(user).flatMap((license) => {
    const sku = directory.skus.get(license.skuId);
    if (!sku) return [];
    const disabled = new Set(license.disabledPlans);
    return [
      {
        id: `${user.id}_${sku.skuId}`,
        skuId: sku.skuId,
        skuPartNumber: sku.skuPartNumber,
        servicePlans: sku.servicePlans.map((plan) => ({
          servicePlanId: plan.servicePlanId,
          servicePlanName: plan.servicePlanName,
          provisioningStatus: disabled.has(plan.servicePlanId.toLowerCase())
            ? 'Disabled'
            : 'Success',
          appliesTo: 'User',
        })),
      },
    ];
  });
}
