import { AuditLog, assignedLicenseValue, type AuditActor } from './audit-log';
import type { DirectoryGroup, DirectoryUser, LicenseAssignmentRow } from './directory-model';
import { notFound } from './graph-error';
import { assignmentRows, held, mergedLicenses, suspended, usable } from './held-licenses';
import { LicenseTimeline } from './license-timeline';
import type { Replication } from './replication';
import type {
  FixtureLicense,
  FixtureSku,
  SubscriptionStatus,
  TenantFixture,
} from './tenant-fixture';

/**
 * The simulated directory's state: users, groups, SKUs with their seat counts and subscription states, the
 * audit log and the license timeline, and the hooks lagging replicas need (BEHAVIOUR.md §1). Every change
 * to a user's licenses goes through `withSeatAccounting`, which keeps seats, timeline and replicas current.
 * What Graph does to this state (assignLicense, group processing) lives in its own files; nothing here
 * knows HTTP.
 */
export class DirectoryState {
  readonly organization: TenantFixture['organization'];
  readonly skus: Map<string, FixtureSku>;
  /** Each SKU's subscription state (subscribedSku.capabilityStatus). */
  readonly subscriptionStatus = new Map<string, SubscriptionStatus>();
  readonly rules: TenantFixture['rules'];
  readonly users = new Map<string, DirectoryUser>();
  readonly groups = new Map<string, DirectoryGroup>();
  readonly audit = new AuditLog(() => this.now());
  readonly timeline = new LicenseTimeline();
  /** Lagging replicas (eventual consistency), when on; set after the fixture is loaded. */
  replication: Replication | null = null;
  private readonly usersByUpn = new Map<string, string>();
  /** Seats in use per SKU, kept current by every change (one per user holding the SKU, whatever the sources). */
  private readonly consumed = new Map<string, number>();

  /** An empty tenant with the fixture's organization, SKUs and rules: directory-seeding.ts adds the rest. */
  constructor(
    tenant: Pick<TenantFixture, 'organization' | 'subscribedSkus' | 'rules'>,
    readonly now: () => Date = () => new Date()
  ) {
    this.organization = tenant.organization;
    this.rules = tenant.rules;
    this.skus = new Map(tenant.subscribedSkus.map((sku) => [sku.skuId.toLowerCase(), sku]));
    for (const [skuId, sku] of this.skus) {
      this.consumed.set(skuId, 0);
      this.subscriptionStatus.set(skuId, sku.capabilityStatus ?? 'Enabled');
    }
  }

  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  addUser(user: DirectoryUser): void {
    this.replication?.recordCreated(user.id);
    this.withSeatAccounting(user, () => {
      this.users.set(user.id, user);
      this.usersByUpn.set(user.userPrincipalName.toLowerCase(), user.id);
    });
  }

  /** Deletes a user: their seats are freed and they leave every group. */
  deleteUser(user: DirectoryUser): void {
    this.withSeatAccounting(user, () => {
      this.users.delete(user.id);
      this.usersByUpn.delete(user.userPrincipalName.toLowerCase());
    });
    for (const group of this.groups.values()) {
      group.members.delete(user.id);
      group.applied.delete(user.id);
    }
  }

  /** Graph addresses a user by object id or by userPrincipalName. */
  findUser(idOrUpn: string): DirectoryUser | undefined {
    // Object ids are GUIDs, which Graph matches in any case.
    return (
      this.users.get(idOrUpn) ??
      this.users.get(idOrUpn.toLowerCase()) ??
      this.users.get(this.usersByUpn.get(idOrUpn.toLowerCase()) ?? '')
    );
  }

  requireUser(idOrUpn: string): DirectoryUser {
    const user = this.findUser(idOrUpn);
    if (!user) throw notFound(idOrUpn);
    return user;
  }

  requireGroup(id: string): DirectoryGroup {
    const group = this.groups.get(id) ?? this.groups.get(id.toLowerCase());
    if (!group) throw notFound(id);
    return group;
  }

  /** A user a request addresses: 404 also while the replica answering has not seen it created. */
  addressedUser(idOrUpn: string): DirectoryUser {
    const user = this.requireUser(idOrUpn);
    this.replication?.requireReplicated(user.id);
    return user;
  }

  /** A group a request addresses: 404 also while the replica answering has not seen it created. */
  addressedGroup(id: string): DirectoryGroup {
    const group = this.requireGroup(id);
    this.replication?.requireReplicated(group.id);
    return group;
  }

  /** Called before a group's licenses or processing state change: lagging replicas keep the old view. */
  beforeGroupChange(group: DirectoryGroup): void {
    this.replication?.recordChange(group.id, () => ({
      assignedLicenses: [...group.licenses].map(([skuId, a]) => ({
        skuId,
        disabledPlans: [...a.disabledPlans],
      })),
      licenseProcessingState: group.processingState ? { state: group.processingState } : null,
    }));
  }

  /** A user's license properties as a read serves them: from a lagging replica when replication is on. */
  servedLicenses(user: DirectoryUser): {
    assignedLicenses: FixtureLicense[];
    licenseAssignmentStates: LicenseAssignmentRow[];
  } {
    const current = this.licenseView(user);
    return this.replication ? this.replication.served(user.id, current) : current;
  }

  private licenseView(user: DirectoryUser) {
    return {
      assignedLicenses: this.assignedLicenses(user),
      licenseAssignmentStates: this.licenseAssignmentStates(user),
    };
  }

  /** One row per (SKU, source), as Graph's user.licenseAssignmentStates. */
  licenseAssignmentStates(user: DirectoryUser): LicenseAssignmentRow[] {
    return assignmentRows(user, this.groups.values(), (skuId) => this.isSuspended(skuId));
  }

  /** The merged view (user.assignedLicenses): one entry per SKU the user holds a seat of. */
  assignedLicenses(user: DirectoryUser): FixtureLicense[] {
    return mergedLicenses(this.licenseAssignmentStates(user));
  }

  /** Seats in use per SKU: one per distinct user holding it, however many sources it has. */
  consumedUnits(): ReadonlyMap<string, number> {
    return this.consumed;
  }

  /** SKUs a user holds a seat of (usable or disabled), optionally ignoring one group's assignment. */
  heldSkus(user: DirectoryUser, exceptGroup?: string): Set<string> {
    return new Set(
      this.licenseAssignmentStates(user)
        .filter((row) => held(row.state) && row.assignedByGroup !== (exceptGroup ?? undefined))
        .map((row) => row.skuId)
    );
  }

  /** The user's assignments that give them the license, optionally ignoring one group's. */
  usableAssignments(user: DirectoryUser, exceptGroup?: string): LicenseAssignmentRow[] {
    return this.licenseAssignmentStates(user).filter(
      (row) =>
        usable(row.state) && (exceptGroup === undefined || row.assignedByGroup !== exceptGroup)
    );
  }

  /** Runs a change to one user's licenses and moves the seat counts by what it changed. */
  withSeatAccounting<T>(user: DirectoryUser, change: () => T): T {
    const before = this.beforeLicenseChange(user);
    const result = change();
    this.afterLicenseChange(user, before);
    return result;
  }

  /** What a user held before a change: lagging replicas keep the old view. */
  private beforeLicenseChange(user: DirectoryUser): {
    existed: boolean;
    licenses: FixtureLicense[];
  } {
    const existed = this.users.has(user.id);
    if (existed) this.replication?.recordChange(user.id, () => this.licenseView(user));
    return { existed, licenses: existed ? this.assignedLicenses(user) : [] };
  }

  /** Records the change on the timeline and moves the seat counts by it. */
  private afterLicenseChange(
    user: DirectoryUser,
    { existed, licenses: licensesBefore }: { existed: boolean; licenses: FixtureLicense[] }
  ): void {
    const licensesAfter = this.users.has(user.id) ? this.assignedLicenses(user) : [];
    // The merged view lists exactly the SKUs held through a usable assignment: one seat each.
    const before = new Set(licensesBefore.map((l) => l.skuId));
    const after = new Set(licensesAfter.map((l) => l.skuId));
    if (existed && JSON.stringify(licensesBefore) !== JSON.stringify(licensesAfter)) {
      this.timeline.record({
        userId: user.id,
        at: this.timestamp(),
        before: licensesBefore,
        after: licensesAfter,
      });
    }
    for (const skuId of before)
      if (!after.has(skuId)) this.consumed.set(skuId, (this.consumed.get(skuId) ?? 1) - 1);
    for (const skuId of after)
      if (!before.has(skuId)) this.consumed.set(skuId, (this.consumed.get(skuId) ?? 0) + 1);
  }

  /** Seats of a SKU still free: none while its subscription is suspended. */
  availableUnits(skuId: string): number {
    if (this.isSuspended(skuId)) return 0;
    return (this.skus.get(skuId)?.prepaidUnits ?? 0) - (this.consumed.get(skuId) ?? 0);
  }

  /** Whether a SKU's subscription gives nothing (Suspended or LockedOut). */
  isSuspended(skuId: string): boolean {
    return suspended(this.subscriptionStatus.get(skuId));
  }

  /**
   * A subscription changes state (it expires, is suspended, or is reactivated): every assignment of it
   * reads Disabled while it is Suspended or LockedOut, and gives nothing.
   */
  setSubscriptionStatus(skuId: string, status: SubscriptionStatus): void {
    const holders = [...this.users.values()].filter((user) =>
      this.licenseAssignmentStates(user).some((row) => row.skuId === skuId.toLowerCase())
    );
    const before = holders.map((user) => this.beforeLicenseChange(user));
    this.subscriptionStatus.set(skuId.toLowerCase(), status);
    holders.forEach((user, index) => this.afterLicenseChange(user, before[index]));
  }

  /** The audit value of a set of assignments, in the format real entries use. */
  auditLicenseValue(
    licenses: readonly { skuId: string; disabledPlans: readonly string[] }[]
  ): string {
    return assignedLicenseValue(
      licenses.map((l) => ({
        ...l,
        skuPartNumber: this.skus.get(l.skuId)?.skuPartNumber ?? l.skuId,
      })),
      this.organization.id
    );
  }

  /** Records a license change on a user in the audit log ("Change user license"). */
  recordUserLicenseChange(
    user: DirectoryUser,
    actor: AuditActor,
    before: readonly { skuId: string; disabledPlans: readonly string[] }[],
    after: readonly { skuId: string; disabledPlans: readonly string[] }[],
    at = this.now(),
    failure?: string
  ): void {
    this.audit.record({
      activityDisplayName: 'Change user license',
      category: 'UserManagement',
      operationType: 'Assign',
      actor,
      at,
      result: failure ? 'failure' : 'success',
      resultReason: failure,
      targets: [
        {
          id: user.id,
          type: 'User',
          userPrincipalName: user.userPrincipalName,
          modifiedProperties: [
            {
              displayName: 'AssignedLicense',
              oldValue: this.auditLicenseValue(before),
              newValue: this.auditLicenseValue(after),
            },
            {
              displayName: 'Included Updated Properties',
              oldValue: null,
              newValue: '"AssignedLicense"',
            },
          ],
        },
      ],
    });
  }
}
