import type { UserAttributes } from './user-attributes';

/**
 * The simulated directory's data: users, groups and the license rows group processing applies. Plain
 * types only, so every part of the simulator can name them without loading the directory itself.
 */

export type AssignmentState = 'Active' | 'ActiveWithError' | 'Disabled' | 'Error';
export type ProcessingState = 'QueuedForProcessing' | 'ProcessingInProgress' | 'ProcessingComplete';

export interface LicenseAssignmentRow {
  readonly skuId: string;
  readonly disabledPlans: readonly string[];
  /** null for a direct assignment, else the id of the group it is inherited from. */
  readonly assignedByGroup: string | null;
  readonly state: AssignmentState;
  /** Graph returns the string "None" for a healthy assignment (BEHAVIOUR.md §1). */
  readonly error: string;
  readonly lastUpdatedDateTime: string;
}

export interface DirectAssignment {
  disabledPlans: string[];
  lastUpdatedDateTime: string;
}

/** A group's license as applied to one member by group license processing. */
export interface AppliedGroupLicense {
  readonly skuId: string;
  readonly disabledPlans: readonly string[];
  readonly state: AssignmentState;
  readonly error: string;
  readonly lastUpdatedDateTime: string;
}

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  department: string | null;
  jobTitle: string | null;
  usageLocation: string | null;
  accountEnabled: boolean;
  /** Company, office, city, country, employee id, extension attributes: what dynamic rules read. */
  attributes: UserAttributes;
  createdDateTime: string;
  directLicenses: Map<string, DirectAssignment>;
  /** Exchange proxy addresses, lower-cased: one another user also has fails group licensing (UniquenessViolation). */
  proxyAddresses?: readonly string[];
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description: string | null;
  securityEnabled: boolean;
  mailEnabled: boolean;
  mailNickname: string;
  groupTypes: string[];
  membershipRule: string | null;
  /** Whether Entra evaluates the rule (On) or holds the members as they are (Paused); null if static. */
  membershipRuleProcessingState: 'On' | 'Paused' | null;
  /** Synced from on-premises AD: Graph refuses changes to its members. */
  onPremisesSyncEnabled: boolean | null;
  /** Role-assignable: member changes need RoleManagement.ReadWrite.Directory. */
  isAssignableToRole: boolean | null;
  createdDateTime: string;
  /** Direct members only, in insertion order: users or groups. */
  members: Set<string>;
  licenses: Map<string, DirectAssignment>;
  /** null until the group has had licenses. */
  processingState: ProcessingState | null;
  /** What processing last applied, per member user. */
  applied: Map<string, AppliedGroupLicense[]>;
}

export interface GroupProcessingResult {
  readonly succeeded: number;
  readonly failed: number;
  /** Users whose licenses from this group changed, with their rows before and after. */
  readonly changed: readonly {
    user: DirectoryUser;
    before: AppliedGroupLicense[];
    after: AppliedGroupLicense[];
  }[];
}
