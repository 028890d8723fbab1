import { AuditLog, assignedLicenseValue, type AuditActor } from './audit-log';
import { recordAutomationHistory } from './automation-history';
import { GraphError, notFound } from './graph-error';
import { LicenseTimeline } from './license-timeline';
import type { Replication } from './replication';
import {
  enabledPlansOf,
  newViolations,
  ruleViolations,
  unionOfEnabledPlans,
  violationMessage,
} from './licensing-rules';
import type {
  FixtureLicense,
  FixtureSku,
  SubscriptionStatus,
  TenantFixture,
} from './tenant-fixture';
import { fixtureGroupMembers } from './dynamic-group-members';
import { userAttributes, type UserAttributes } from './user-attributes';

/**
 * The simulated directory: the tenant's state and the licensing rules that derive each user's license
 * view from it (BEHAVIOUR.md §1–§3). Graph's wire shapes live in graph-views.ts; nothing here knows HTTP.
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

/** An assignment that gives the user the license: applied, with or without a later error. */
const usable = (state: AssignmentState) => state === 'Active' || state === 'ActiveWithError';
/** An assignment that holds a seat and is listed in assignedLicenses, even when its subscription is suspended. */
const held = (state: AssignmentState) => usable(state) || state === 'Disabled';
/** A suspended or locked-out subscription gives nothing: every assignment of it reads Disabled. */
const suspended = (status: SubscriptionStatus | undefined) =>
  status === 'Suspended' || status === 'LockedOut';

export class Directory {
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

  constructor(
    fixture: TenantFixture,
    readonly now: () => Date = () => new Date()
  ) {
    this.organization = fixture.organization;
    this.rules = fixture.rules;
    this.skus = new Map(fixture.subscribedSkus.map((sku) => [sku.skuId.toLowerCase(), sku]));
    for (const [skuId, sku] of this.skus) {
      this.consumed.set(skuId, 0);
      this.subscriptionStatus.set(skuId, sku.capabilityStatus ?? 'Enabled');
    }
    const created = this.timestamp();
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
        attributes: userAttributes(user),
        createdDateTime: created,
        directLicenses: toAssignments(user.licenses, created),
        proxyAddresses: (user.proxyAddresses ?? []).map((a) => a.toLowerCase()),
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
        membershipRule: group.membershipRule ?? null,
        membershipRuleProcessingState: group.groupTypes.includes('DynamicMembership')
          ? (group.membershipRuleProcessingState ?? 'On')
          : null,
        onPremisesSyncEnabled: group.onPremisesSyncEnabled ?? null,
        isAssignableToRole: group.isAssignableToRole ?? false,
        createdDateTime: created,
        members: new Set(fixtureGroupMembers(group, this.users.values())),
        licenses: toAssignments(group.licenses, created),
        processingState: null,
        applied: new Map(),
      });
    }
    recordAutomationHistory(this, fixture.existingAutomation);
    // A fixture describes a settled tenant: its group licenses are already processed.
    for (const group of this.groups.values()) {
      if (group.licenses.size > 0) {
        this.processGroup(group.id);
        group.processingState = 'ProcessingComplete';
      }
    }
    this.timeline.clear();
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
    const rows: LicenseAssignmentRow[] = [];
    for (const [skuId, assignment] of user.directLicenses) {
      rows.push({
        skuId,
        disabledPlans: [...assignment.disabledPlans],
        assignedByGroup: null,
        state: this.isSuspended(skuId) ? 'Disabled' : 'Active',
        error: 'None',
        lastUpdatedDateTime: assignment.lastUpdatedDateTime,
      });
    }
    for (const group of this.groups.values()) {
      for (const applied of group.applied.get(user.id) ?? []) {
        rows.push({
          ...applied,
          state: this.isSuspended(applied.skuId) ? 'Disabled' : applied.state,
          disabledPlans: [...applied.disabledPlans],
          assignedByGroup: group.id,
        });
      }
    }
    return rows;
  }

  /**
   * The merged view (user.assignedLicenses): one entry per SKU the user holds from any source that holds a seat;
   * its disabled plans are those disabled on every source (enabled plans are a union).
   */
  assignedLicenses(user: DirectoryUser): FixtureLicense[] {
    const merged = new Map<string, Set<string>>();
    for (const row of this.licenseAssignmentStates(user)) {
      if (!held(row.state)) continue;
      const sofar = merged.get(row.skuId);
      const disabled = new Set(row.disabledPlans);
      merged.set(row.skuId, sofar ? new Set([...sofar].filter((p) => disabled.has(p))) : disabled);
    }
    return [...merged].map(([skuId, disabled]) => ({ skuId, disabledPlans: [...disabled] }));
  }

  /** Seats in use per SKU: one per distinct user holding it, however many sources it has. */
  consumedUnits(): ReadonlyMap<string, number> {
    return this.consumed;
  }

  /** SKUs a user holds a seat of (usable or disabled), optionally ignoring one group's assignment. */
  private heldSkus(user: DirectoryUser, exceptGroup?: string): Set<string> {
    return new Set(
      this.licenseAssignmentStates(user)
        .filter((row) => held(row.state) && row.assignedByGroup !== (exceptGroup ?? undefined))
        .map((row) => row.skuId)
    );
  }

  private usableAssignments(user: DirectoryUser, exceptGroup?: string): LicenseAssignmentRow[] {
    return this.licenseAssignmentStates(user).filter(
      (row) =>
        usable(row.state) && (exceptGroup === undefined || row.assignedByGroup !== exceptGroup)
    );
  }

  /** Runs a change to one user's licenses and moves the seat counts by what it changed. */
  private withSeatAccounting<T>(user: DirectoryUser, change: () => T): T {
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

  private availableUnits(skuId: string): number {
    if (this.isSuspended(skuId)) return 0;
    return (this.skus.get(skuId)?.prepaidUnits ?? 0) - (this.consumed.get(skuId) ?? 0);
  }

  private isSuspended(skuId: string): boolean {
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

  /**
   * POST /users/{id}/assignLicense: synchronous, all-or-nothing, with Graph's 400 messages for each
   * refusal (BEHAVIOUR.md §2). Removing touches only the direct assignment.
   */
  assignUserLicenses(
    user: DirectoryUser,
    add: readonly FixtureLicense[],
    remove: readonly string[]
  ): void {
    const refuse = (message: string) => new GraphError(400, 'Request_BadRequest', message);
    const { adds, removes } = this.checkedLicenseChange(add, remove);
    const held = this.heldSkus(user);
    for (const skuId of removes) {
      if (user.directLicenses.has(skuId)) continue;
      throw refuse(
        held.has(skuId)
          ? 'User license is inherited from a group membership and it cannot be removed directly from the user.'
          : 'User does not have a corresponding license.'
      );
    }
    if (adds.length > 0 && !user.usageLocation) {
      throw refuse('License assignment cannot be done for user with invalid usage location.');
    }
    for (const license of adds) {
      if (!held.has(license.skuId) && this.availableUnits(license.skuId) <= 0) {
        throw refuse(
          `Subscription with SKU ${license.skuId} does not have any available licenses.`
        );
      }
    }
    const next = new Map(user.directLicenses);
    for (const skuId of removes) next.delete(skuId);
    const at = this.timestamp();
    for (const license of adds)
      next.set(license.skuId, { disabledPlans: license.disabledPlans, lastUpdatedDateTime: at });
    const groupRows = this.usableAssignments(user).filter((row) => row.assignedByGroup !== null);
    const directRows = [...next].map(([skuId, a]) => ({ skuId, disabledPlans: a.disabledPlans }));
    const before = ruleViolations(
      unionOfEnabledPlans(this.skus, this.usableAssignments(user)),
      this.rules
    );
    const after = ruleViolations(
      unionOfEnabledPlans(this.skus, [...groupRows, ...directRows]),
      this.rules
    );
    const introduced = newViolations(before, after);
    if (introduced.length > 0) throw refuse(violationMessage(introduced[0]));
    this.withSeatAccounting(user, () => {
      user.directLicenses = next;
    });
  }

  /** Lower-cases a license change and refuses SKUs the tenant lacks or plans a SKU does not contain. */
  private checkedLicenseChange(add: readonly FixtureLicense[], remove: readonly string[]) {
    const refuse = (message: string) => new GraphError(400, 'Request_BadRequest', message);
    const adds = add.map((l) => ({
      skuId: l.skuId.toLowerCase(),
      disabledPlans: l.disabledPlans.map((p) => p.toLowerCase()),
    }));
    const removes = remove.map((id) => id.toLowerCase());
    for (const skuId of [...adds.map((l) => l.skuId), ...removes]) {
      if (!this.skus.has(skuId))
        throw refuse(`License ${skuId} does not correspond to a valid company License.`);
    }
    for (const license of adds) {
      const plans = new Set(
        this.skus.get(license.skuId)?.servicePlans.map((p) => p.servicePlanId.toLowerCase())
      );
      const unknown = license.disabledPlans.find((plan) => !plans.has(plan));
      // Unverified wording: Graph refuses a disabled plan the SKU does not contain; the exact text is not documented.
      if (unknown) throw refuse(`Service plan ${unknown} is not part of license ${license.skuId}.`);
    }
    return { adds, removes };
  }

  /**
   * POST /groups/{id}/assignLicense, the synchronous part: security groups only, known SKUs and plans,
   * prerequisites on the same group (BEHAVIOUR.md §2). Members are licensed later, by processing.
   */
  assignGroupLicenses(
    group: DirectoryGroup,
    add: readonly FixtureLicense[],
    remove: readonly string[]
  ): void {
    const refuse = (message: string) => new GraphError(400, 'Request_BadRequest', message);
    if (!group.securityEnabled)
      throw refuse('Licenses can only be assigned to security-enabled groups.');
    const { adds, removes } = this.checkedLicenseChange(add, remove);
    for (const skuId of removes) {
      // Unverified wording for a group.
      if (!group.licenses.has(skuId)) throw refuse('Group does not have a corresponding license.');
    }
    const next = new Map(group.licenses);
    for (const skuId of removes) next.delete(skuId);
    const at = this.timestamp();
    for (const license of adds)
      next.set(license.skuId, { disabledPlans: license.disabledPlans, lastUpdatedDateTime: at });
    const missing = ruleViolations(
      unionOfEnabledPlans(
        this.skus,
        [...next].map(([skuId, a]) => ({ skuId, disabledPlans: a.disabledPlans }))
      ),
      this.rules
    ).find((violation) => violation.kind === 'DependencyViolation');
    if (missing?.kind === 'DependencyViolation') {
      throw refuse(
        `License operation failed. Make sure that the group has necessary services before adding or removing a dependent service. The service ${missing.plan} requires ${missing.requires.join(', ')} to be enabled as well.`
      );
    }
    this.beforeGroupChange(group);
    group.licenses = next;
  }

  /**
   * Applies one group's licenses to its direct user members (or only to `onlyUsers`), as group license
   * processing does: each member gets every SKU of the group or, if one fails, none (BEHAVIOUR.md §3
   * rule 7). Members who left lose what the group gave them. Nested groups' members are not licensed.
   */
  processGroup(groupId: string, onlyUsers?: ReadonlySet<string>): GroupProcessingResult {
    const group = this.requireGroup(groupId);
    let succeeded = 0;
    let failed = 0;
    const changed: GroupProcessingResult['changed'][number][] = [];
    const inScope = (userId: string) => onlyUsers === undefined || onlyUsers.has(userId);
    for (const [userId, before] of [...group.applied]) {
      if (!inScope(userId)) continue;
      const user = this.users.get(userId);
      if (!group.members.has(userId) || group.licenses.size === 0) {
        if (!user) {
          group.applied.delete(userId);
          continue;
        }
        const after = this.leftoverAfterDeparture(group, user, before);
        this.withSeatAccounting(user, () =>
          after.length > 0 ? group.applied.set(userId, after) : group.applied.delete(userId)
        );
        if (after.length > 0) failed++;
        if (JSON.stringify(before) !== JSON.stringify(after)) changed.push({ user, before, after });
      }
    }
    if (group.licenses.size === 0) return { succeeded, failed, changed };
    for (const memberId of group.members) {
      if (!inScope(memberId)) continue;
      const user = this.users.get(memberId);
      if (!user) continue;
      const before = group.applied.get(user.id) ?? [];
      const rows = this.evaluateGroupLicenses(group, user);
      this.withSeatAccounting(user, () => group.applied.set(user.id, rows));
      if (JSON.stringify(before) !== JSON.stringify(rows))
        changed.push({ user, before, after: rows });
      if (rows.every((row) => row.error === 'None')) succeeded++;
      else failed++;
    }
    return { succeeded, failed, changed };
  }

  /** Users a processing run of this group must look at: every member, and everyone it licensed before. */
  usersToProcess(group: DirectoryGroup): Set<string> {
    return new Set(
      [...group.members].filter((id) => this.users.has(id)).concat([...group.applied.keys()])
    );
  }

  /** Re-evaluates every group assignment of one user (POST /users/{id}/reprocessLicenseAssignment). */
  reprocessUser(
    user: DirectoryUser
  ): { before: AppliedGroupLicense[]; after: AppliedGroupLicense[]; failure?: string }[] {
    const changes: {
      before: AppliedGroupLicense[];
      after: AppliedGroupLicense[];
      failure?: string;
    }[] = [];
    for (const group of this.groups.values()) {
      const member = group.licenses.size > 0 && group.members.has(user.id);
      if (member || group.applied.has(user.id)) {
        const before = group.applied.get(user.id) ?? [];
        const rows = member
          ? this.evaluateGroupLicenses(group, user)
          : this.leftoverAfterDeparture(group, user, before);
        this.withSeatAccounting(user, () =>
          rows.length > 0 ? group.applied.set(user.id, rows) : group.applied.delete(user.id)
        );
        if (JSON.stringify(before) !== JSON.stringify(rows)) {
          changes.push({ before, after: rows, failure: failureReason(rows) });
        }
      }
    }
    return changes;
  }

  private evaluateGroupLicenses(group: DirectoryGroup, user: DirectoryUser): AppliedGroupLicense[] {
    const previous = new Map((group.applied.get(user.id) ?? []).map((row) => [row.skuId, row]));
    const heldElsewhere = this.heldSkus(user, group.id);
    const alreadyFromGroup = new Set(
      [...previous.values()].filter((r) => usable(r.state)).map((r) => r.skuId)
    );
    const others = this.usableAssignments(user, group.id);
    const location = user.usageLocation ?? this.organization.countryLetterCode;
    const failures = new Map<string, string>();
    const duplicateProxy = this.hasDuplicateProxyAddress(user);
    for (const [skuId, assignment] of group.licenses) {
      // "Duplicate proxy addresses": assigning a license to such a user fails (resolve-problems doc).
      if (duplicateProxy) {
        failures.set(skuId, 'UniquenessViolation');
        continue;
      }
      const sku = this.skus.get(skuId);
      if (!sku) {
        failures.set(skuId, 'Other');
        continue;
      }
      const needsSeat = !heldElsewhere.has(skuId) && !alreadyFromGroup.has(skuId);
      if (needsSeat && this.availableUnits(skuId) <= 0) {
        failures.set(skuId, 'CountViolation');
        continue;
      }
      const enabled = enabledPlansOf(sku, assignment.disabledPlans);
      const forbidden = (this.rules?.plansUnavailableInCountries ?? []).some(
        (rule) => enabled.has(rule.plan.toLowerCase()) && rule.countries.includes(location)
      );
      if (forbidden) {
        failures.set(skuId, 'ProhibitedInUsageLocationViolation');
        continue;
      }
    }
    // Rules are judged on everything the group gives together: a prerequisite may come from another of its SKUs.
    const groupAssignments = [...group.licenses].map(([skuId, a]) => ({
      skuId,
      disabledPlans: a.disabledPlans,
    }));
    const introduced = newViolations(
      ruleViolations(unionOfEnabledPlans(this.skus, others), this.rules),
      ruleViolations(unionOfEnabledPlans(this.skus, [...others, ...groupAssignments]), this.rules)
    );
    for (const violation of introduced) {
      const plans =
        violation.kind === 'MutuallyExclusiveViolation' ? violation.plans : [violation.plan];
      for (const assignment of groupAssignments) {
        const sku = this.skus.get(assignment.skuId);
        const enabled = sku ? enabledPlansOf(sku, assignment.disabledPlans) : new Set<string>();
        if (!failures.has(assignment.skuId) && plans.some((p) => enabled.has(p.toLowerCase()))) {
          failures.set(assignment.skuId, violation.kind);
        }
      }
    }
    const at = this.timestamp();
    return [...group.licenses].map(([skuId, assignment]) => {
      const error = failures.get(skuId) ?? (failures.size > 0 ? 'Other' : 'None');
      const earlier = previous.get(skuId);
      // A license this group already applied is not taken away by a later failure: it stays as it was
      // applied, ActiveWithError, until the cause is fixed and the user is processed again.
      const keptInError = error !== 'None' && earlier !== undefined && usable(earlier.state);
      const state: AssignmentState =
        error === 'None' ? 'Active' : keptInError ? 'ActiveWithError' : 'Error';
      const disabledPlans = keptInError ? earlier.disabledPlans : assignment.disabledPlans;
      const unchanged =
        earlier &&
        earlier.state === state &&
        earlier.error === error &&
        sameSet(earlier.disabledPlans, disabledPlans);
      return {
        skuId,
        disabledPlans: [...disabledPlans],
        state,
        error,
        lastUpdatedDateTime: unchanged ? earlier.lastUpdatedDateTime : at,
      };
    });
  }

  /** True when another user has one of this user's proxy addresses (Exchange's uniqueness rule). */
  private hasDuplicateProxyAddress(user: DirectoryUser): boolean {
    const own = new Set(user.proxyAddresses ?? []);
    if (own.size === 0) return false;
    for (const other of this.users.values()) {
      if (other.id !== user.id && (other.proxyAddresses ?? []).some((a) => own.has(a))) return true;
    }
    return false;
  }

  /**
   * What is left of a group's license on a user who left the group (or whose group dropped it). Entra
   * cannot remove a plan another of the user's products depends on: the license then stays,
   * ActiveWithError with DependencyViolation on the SKUs that give the required plan and Other on the
   * rest, until that is resolved (resolve-problems doc, "Other products depend on this license").
   * Empty when it can all go.
   */
  private leftoverAfterDeparture(
    group: DirectoryGroup,
    user: DirectoryUser,
    before: readonly AppliedGroupLicense[]
  ): AppliedGroupLicense[] {
    const applied = before.filter((row) => usable(row.state));
    if (applied.length === 0) return [];
    const others = this.usableAssignments(user, group.id);
    const broken = newViolations(
      ruleViolations(unionOfEnabledPlans(this.skus, this.usableAssignments(user)), this.rules),
      ruleViolations(unionOfEnabledPlans(this.skus, others), this.rules)
    ).flatMap((v) => (v.kind === 'DependencyViolation' ? v.requires : []));
    if (broken.length === 0) return [];
    const at = this.timestamp();
    return applied.map((row) => {
      const sku = this.skus.get(row.skuId);
      const enabled = sku ? enabledPlansOf(sku, row.disabledPlans) : new Set<string>();
      const error = broken.some((plan) => enabled.has(plan.toLowerCase()))
        ? 'DependencyViolation'
        : 'Other';
      const unchanged = row.state === 'ActiveWithError' && row.error === error;
      return {
        ...row,
        state: 'ActiveWithError',
        error,
        lastUpdatedDateTime: unchanged ? row.lastUpdatedDateTime : at,
      };
    });
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

  /** Users with an Error row from this group (GET /groups/{id}/membersWithLicenseErrors). */
  membersWithLicenseErrors(group: DirectoryGroup): DirectoryUser[] {
    return [...group.applied]
      .filter(([, rows]) => rows.some((row) => !usable(row.state) || row.error !== 'None'))
      .flatMap(([userId]) => this.users.get(userId) ?? []);
  }
}

/** The audit log's failure reason for rows in error, or undefined when none is. */
export function failureReason(rows: readonly AppliedGroupLicense[]): string | undefined {
  const failed = rows.filter((row) => row.error !== 'None');
  return failed.length > 0
    ? failed.map((row) => `${row.skuId}: ${row.error}`).join('; ')
    : undefined;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function toAssignments(
  licenses: readonly FixtureLicense[] | undefined,
  timestamp: string
): Map<string, DirectAssignment> {
  return new Map(
    (licenses ?? []).map((license) => [
      license.skuId.toLowerCase(),
      {
        disabledPlans: license.disabledPlans.map((p) => p.toLowerCase()),
        lastUpdatedDateTime: timestamp,
      },
    ])
  );
}
