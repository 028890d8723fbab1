import type { FixtureLicense, FixtureSku, TenantFixture } from './tenant-fixture';

/**
 * The simulated directory: the tenant's mutable state and the licensing rules that derive each user's
 * license view from it. Graph's wire shapes live in graph-views.ts; this file knows nothing of HTTP.
 */

export interface LicenseAssignmentRow {
  readonly skuId: string;
  readonly disabledPlans: readonly string[];
  /** null for a direct assignment, else the id of the group it is inherited from. */
  readonly assignedByGroup: string | null;
  readonly state: 'Active' | 'ActiveWithError' | 'Disabled' | 'Error';
  /** Graph returns the string "None" for a healthy assignment (BEHAVIOUR.md §1). */
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
  createdDateTime: string;
  directLicenses: Map<string, DirectAssignment>;
}

export interface DirectAssignment {
  disabledPlans: string[];
  lastUpdatedDateTime: string;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description: string | null;
  securityEnabled: boolean;
  mailEnabled: boolean;
  mailNickname: string;
  groupTypes: string[];
  createdDateTime: string;
  /** Direct members only, in insertion order. */
  members: Set<string>;
  licenses: Map<string, DirectAssignment>;
}

export class Directory {
  readonly organization: TenantFixture['organization'];
  readonly skus: Map<string, FixtureSku>;
  readonly users = new Map<string, DirectoryUser>();
  readonly groups = new Map<string, DirectoryGroup>();
  private readonly usersByUpn = new Map<string, string>();

  constructor(
    fixture: TenantFixture,
    private readonly now: () => Date = () => new Date()
  ) {
    this.organization = fixture.organization;
    this.skus = new Map(fixture.subscribedSkus.map((sku) => [sku.skuId, sku]));
    const created = this.now().toISOString();
    for (const user of fixture.users) {
      const [givenName, ...rest] = user.displayName.split(' ');
      this.addUser({
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        givenName: givenName ?? null,
        surname: rest.length > 0 ? rest.join(' ') : null,
        department: user.department ?? null,
        jobTitle: user.jobTitle ?? null,
        usageLocation: user.usageLocation ?? null,
        accountEnabled: user.accountEnabled ?? true,
        createdDateTime: created,
        directLicenses: toAssignments(user.licenses, created),
      });
    }
    for (const group of fixture.groups ?? []) {
      this.groups.set(group.id, {
        id: group.id,
        displayName: group.displayName,
        description: group.description ?? null,
        securityEnabled: group.securityEnabled,
        mailEnabled: group.mailEnabled,
        mailNickname: group.mailNickname ?? group.displayName.replace(/[^A-Za-z0-9]/g, ''),
        groupTypes: [...group.groupTypes],
        createdDateTime: created,
        members: new Set(group.members ?? []),
        licenses: toAssignments(group.licenses, created),
      });
    }
  }

  addUser(user: DirectoryUser): void {
    this.users.set(user.id, user);
    this.usersByUpn.set(user.userPrincipalName.toLowerCase(), user.id);
  }

  /** Graph addresses a user by object id or by userPrincipalName. */
  findUser(idOrUpn: string): DirectoryUser | undefined {
    return (
      this.users.get(idOrUpn) ?? this.users.get(this.usersByUpn.get(idOrUpn.toLowerCase()) ?? '')
    );
  }

  /** Groups that license a user: only groups the user is a direct member of (nesting does not license). */
  licensingGroupsOf(userId: string): DirectoryGroup[] {
    const result: DirectoryGroup[] = [];
    for (const group of this.groups.values()) {
      if (group.licenses.size > 0 && group.members.has(userId)) result.push(group);
    }
    return result;
  }

  /** One row per (SKU, source), as Graph's user.licenseAssignmentStates. */
  licenseAssignmentStates(user: DirectoryUser): LicenseAssignmentRow[] {
    const rows: LicenseAssignmentRow[] = [];
    for (const [skuId, assignment] of user.directLicenses) {
      rows.push(activeRow(skuId, assignment, null));
    }
    for (const group of this.licensingGroupsOf(user.id)) {
      for (const [skuId, assignment] of group.licenses) {
        rows.push(activeRow(skuId, assignment, group.id));
      }
    }
    return rows;
  }

  /**
   * The merged view (user.assignedLicenses): one entry per SKU the user holds from any source, whose
   * disabled plans are those disabled on every active source (enabled plans are a union).
   */
  assignedLicenses(user: DirectoryUser): FixtureLicense[] {
    const merged = new Map<string, Set<string> | null>();
    for (const row of this.licenseAssignmentStates(user)) {
      if (row.state !== 'Active' && row.state !== 'ActiveWithError') continue;
      const sofar = merged.get(row.skuId);
      const disabled = new Set(row.disabledPlans);
      merged.set(
        row.skuId,
        sofar === undefined || sofar === null
          ? disabled
          : new Set([...sofar].filter((plan) => disabled.has(plan)))
      );
    }
    return [...merged].map(([skuId, disabled]) => ({
      skuId,
      disabledPlans: [...(disabled ?? [])],
    }));
  }

  /** Seats in use per SKU: one per distinct user holding it, however many sources it has. */
  consumedUnits(): Map<string, number> {
    const consumed = new Map<string, number>([...this.skus.keys()].map((skuId) => [skuId, 0]));
    for (const user of this.users.values()) {
      for (const license of this.assignedLicenses(user)) {
        consumed.set(license.skuId, (consumed.get(license.skuId) ?? 0) + 1);
      }
    }
    return consumed;
  }
}

function toAssignments(
  licenses: readonly FixtureLicense[] | undefined,
  timestamp: string
): Map<string, DirectAssignment> {
  return new Map(
    (licenses ?? []).map((license) => [
      license.skuId,
      { disabledPlans: [...license.disabledPlans], lastUpdatedDateTime: timestamp },
    ])
  );
}

function activeRow(
  skuId: string,
  assignment: DirectAssignment,
  assignedByGroup: string | null
): LicenseAssignmentRow {
  return {
    skuId,
    disabledPlans: [...assignment.disabledPlans],
    assignedByGroup,
    state: 'Active',
    error: 'None',
    lastUpdatedDateTime: assignment.lastUpdatedDateTime,
  };
}
