/**
 * The tenant fixture: a plain-data description of an Entra ID tenant that the simulator serves as Graph.
 * Documented in docs/tenant-fixture.md; its JSON Schema is schemas/tenant-fixture.schema.json.
 */

export interface FixtureLicense {
  readonly skuId: string;
  /** servicePlanIds switched off in this assignment. */
  readonly disabledPlans: readonly string[];
}

export interface FixtureServicePlan {
  readonly servicePlanId: string;
  readonly servicePlanName: string;
}

export interface FixtureSku {
  readonly skuId: string;
  readonly skuPartNumber: string;
  /** Seats bought (`prepaidUnits.enabled`). */
  readonly prepaidUnits: number;
  readonly servicePlans: readonly FixtureServicePlan[];
  /**
   * The subscription's state (subscribedSku.capabilityStatus); default Enabled. Warning (expired, in its
   * grace period): seats still assignable. Suspended or LockedOut: no seat can be assigned, and every
   * assignment of it reads `Disabled`.
   */
  readonly capabilityStatus?: SubscriptionStatus;
}

export type SubscriptionStatus = 'Enabled' | 'Warning' | 'Suspended' | 'LockedOut';

export interface FixtureUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly department?: string | null;
  readonly jobTitle?: string | null;
  readonly companyName?: string | null;
  /** The office (Graph's officeLocation; physicalDeliveryOfficeName in membership rules). */
  readonly officeLocation?: string | null;
  readonly city?: string | null;
  readonly state?: string | null;
  /** Free text, as in Graph ("United States"); usageLocation is the ISO code licensing uses. */
  readonly country?: string | null;
  readonly employeeId?: string | null;
  /** extensionAttribute1–15 that are set. */
  readonly onPremisesExtensionAttributes?: Readonly<Record<string, string | null>>;
  /** ISO 3166-1 alpha-2; null when never set (direct assignment then fails). */
  readonly usageLocation?: string | null;
  readonly accountEnabled?: boolean;
  /** Licenses assigned directly to the user. */
  readonly licenses?: readonly FixtureLicense[];
  /** Exchange proxy addresses ("smtp:…"); one another user also has makes group licensing fail with UniquenessViolation. */
  readonly proxyAddresses?: readonly string[];
}

export interface FixtureGroup {
  readonly id: string;
  readonly displayName: string;
  readonly description?: string | null;
  readonly securityEnabled: boolean;
  readonly mailEnabled: boolean;
  readonly mailNickname?: string;
  /** [] for a security group, ["Unified"] for a Microsoft 365 group; "DynamicMembership" when a rule sets the members. */
  readonly groupTypes: readonly string[];
  /**
   * The rule of a dynamic membership group. Its `members` are the rule's last result when given (a tenant
   * may be behind its rules); without them, the simulator computes them when it loads.
   */
  readonly membershipRule?: string | null;
  /** On (default for a dynamic group) or Paused: Entra then keeps the members as they are. */
  readonly membershipRuleProcessingState?: 'On' | 'Paused';
  /** true for a group synced from on-premises AD: its members are changed there, never through Graph. */
  readonly onPremisesSyncEnabled?: boolean | null;
  /** true for a group that can be assigned Entra roles: changing it needs RoleManagement.ReadWrite.Directory. */
  readonly isAssignableToRole?: boolean | null;
  /** Object ids of direct members: users or groups (nested groups do not license their members). */
  readonly members?: readonly string[];
  /** Licenses assigned to the group (group-based licensing). */
  readonly licenses?: readonly FixtureLicense[];
}

export interface FixtureLicensingRules {
  /** Pairs of servicePlanIds that may not both be enabled for one user. */
  readonly mutuallyExclusivePlans?: readonly (readonly [string, string])[];
  /** A plan that needs at least one of `requires` enabled for the same user. */
  readonly planDependencies?: readonly {
    readonly plan: string;
    readonly requires: readonly string[];
  }[];
  /** Plans that cannot be provisioned for users whose usage location is one of `countries`. */
  readonly plansUnavailableInCountries?: readonly {
    readonly plan: string;
    readonly countries: readonly string[];
  }[];
}

export interface TenantFixture {
  readonly organization: {
    readonly id: string;
    readonly displayName: string;
    /** The directory's country, inherited as usage location by group-based licensing. */
    readonly countryLetterCode: string;
    readonly defaultDomain: string;
  };
  readonly subscribedSkus: readonly FixtureSku[];
  readonly users: readonly FixtureUser[];
  readonly groups?: readonly FixtureGroup[];
  readonly rules?: FixtureLicensingRules;
  /**
   * The script or app that has been assigning licenses directly: its "Change user license" entries
   * are written to the audit log, one run every `everyDays` days, `runs` times, up to now, each run
   * touching about one in a thousand licensed users (at least one).
   */
  readonly existingAutomation?: {
    readonly displayName: string;
    readonly appId: string;
    readonly everyDays: number;
    readonly runs: number;
    /**
     * What the script gives each joiner directly when it runs on (the simulator's `automation` option):
     * `everyone`'s licenses, plus those of the joiner's department. Without it, joiners get none.
     */
    readonly rule?: {
      readonly everyone: readonly FixtureLicense[];
      readonly byDepartment?: Readonly<Record<string, readonly FixtureLicense[]>>;
    };
    /** New users the script creates and licenses on each run (default 1). */
    readonly joinersPerRun?: number;
    /** Users the script disables and takes its direct licenses from on each run (default 1). */
    readonly leaversPerRun?: number;
  };
}
