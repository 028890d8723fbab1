import type { LicenseChangeEvent } from '../../src/domain/automation';
import { holdsDirectly } from '../../src/domain/direct-assignment';
import type { RemovalAnswer, RestoreAnswer, UserRead } from '../../src/domain/directory-answers';
import type { ExistingLicensingGroup } from '../../src/domain/group-plan';
import type {
  LicenseAssignmentSnapshot,
  SkuSnapshot,
  UserLicenseSnapshot,
} from '../../src/domain/licenses';
import type { DirectoryWriter } from '../../src/engine/ports/directory-writer';
import type { TenantReader } from '../../src/engine/ports/tenant-reader';
import { failureOf } from '../../src/graph/graph-directory-answers';

/**
 * What one read of a user answers, as Graph would: their licenses, an error (`404 …`, `503 …`: the Graph
 * adapter's classification makes it an answer), or nothing at all (absent from a batch).
 */
export type ScriptedRead = UserLicenseSnapshot | Error | 'no answer';

/** A user who holds nothing yet, in the US, enabled. */
export function userNamed(id: string): UserLicenseSnapshot {
  return {
    id,
    userPrincipalName: `${id}@contoso.example`,
    accountEnabled: true,
    usageLocation: 'US',
    licenseAssignmentStates: [],
  };
}

/** A healthy assignment of a SKU: direct when `assignedByGroup` is null. */
export function activeRow(
  skuId: string,
  assignedByGroup: string | null,
  disabledPlans: readonly string[] = []
): LicenseAssignmentSnapshot {
  return { skuId, assignedByGroup, disabledPlans, state: 'Active', error: 'None' };
}

/**
 * The engine's directory ports (TenantReader, DirectoryWriter) over plain data, for engine tests: SKUs,
 * licensing groups and users' license rows that removals and restores change. A test can script what the
 * next reads of a user answer (a lagging replica, an error, no answer); once the script runs out, the
 * last scripted answer repeats, or reads answer the current state if none was scripted.
 */
export class InMemoryDirectory implements TenantReader, DirectoryWriter {
  readonly users = new Map<string, UserLicenseSnapshot>();
  readonly groups = new Map<string, ExistingLicensingGroup>();
  readonly events: LicenseChangeEvent[] = [];
  private readonly scripted = new Map<string, ScriptedRead[]>();

  constructor(
    readonly skus: readonly SkuSnapshot[] = [],
    readonly tenantId = 'tenant'
  ) {}

  /** Adds (or replaces) users. */
  withUsers(...users: UserLicenseSnapshot[]): this {
    for (const user of users) this.users.set(user.id, user);
    return this;
  }

  /** Adds a licensing group by name, assigning these SKUs without disabled plans. */
  withGroup(id: string, displayName: string, skuIds: readonly string[] = []): this {
    const licenses = skuIds.map((skuId) => ({ skuId, disabledPlans: [] }));
    this.groups.set(id, { id, displayName, licenses, nestedGroupCount: 0 });
    return this;
  }

  /** What the next reads of a user answer, in order; the last repeats. */
  answerReads(userId: string, ...reads: ScriptedRead[]): this {
    this.scripted.set(userId, reads);
    return this;
  }

  /** Whether the user holds this SKU directly now. */
  holdsDirectly(userId: string, skuId: string): boolean {
    const user = this.users.get(userId);
    return user !== undefined && holdsDirectly(user, skuId);
  }

  // TenantReader

  async organizationId(): Promise<string> {
    return this.tenantId;
  }

  async subscribedSkus(): Promise<SkuSnapshot[]> {
    return [...this.skus];
  }

  async licensingGroupNames(): Promise<Map<string, string>> {
    return new Map([...this.groups.values()].map((group) => [group.id, group.displayName]));
  }

  async licensingGroups(): Promise<ExistingLicensingGroup[]> {
    return [...this.groups.values()];
  }

  async groupsWithLicenseErrors(): Promise<{ id: string; displayName: string }[]> {
    return [...this.groups.values()]
      .filter((group) => this.membersInError(group.id).length > 0)
      .map(({ id, displayName }) => ({ id, displayName }));
  }

  async membersWithLicenseErrors(groupId: string): Promise<UserLicenseSnapshot[]> {
    return this.membersInError(groupId);
  }

  async licenseChangeEvents(since: Date): Promise<LicenseChangeEvent[]> {
    return this.events.filter((event) => new Date(event.at) >= since);
  }

  async forEachUser(visit: (user: UserLicenseSnapshot) => void): Promise<void> {
    for (const user of this.users.values()) visit(user);
  }

  // DirectoryWriter

  async readUser(userId: string): Promise<UserRead> {
    const read = this.nextRead(userId);
    if (read === 'no answer')
      return { kind: 'not-found', reason: `404 Request_ResourceNotFound: ${userId}` };
    return read instanceof Error ? failureOf(read) : { kind: 'read', user: read };
  }

  async readUsers(userIds: readonly string[]): Promise<Map<string, UserRead>> {
    return new Map(
      userIds.flatMap((id) => {
        const read = this.nextRead(id);
        if (read === 'no answer') return [];
        return [[id, read instanceof Error ? failureOf(read) : { kind: 'read', user: read }]];
      })
    );
  }

  async removeDirectLicenses(userId: string, skuIds: readonly string[]): Promise<RemovalAnswer> {
    return this.changeRows(userId, (rows) =>
      rows.filter((row) => row.assignedByGroup !== null || !skuIds.includes(row.skuId))
    );
  }

  async restoreDirectLicense(
    userId: string,
    skuId: string,
    disabledPlans: readonly string[]
  ): Promise<RestoreAnswer> {
    return this.changeRows(userId, (rows) => [...rows, activeRow(skuId, null, disabledPlans)]);
  }

  private nextRead(userId: string): ScriptedRead {
    const [next, ...later] = this.scripted.get(userId) ?? [];
    if (later.length > 0) this.scripted.set(userId, later);
    return next ?? this.users.get(userId) ?? 'no answer';
  }

  private changeRows(
    userId: string,
    change: (rows: readonly LicenseAssignmentSnapshot[]) => LicenseAssignmentSnapshot[]
  ): { kind: 'done' } | { kind: 'not-found'; reason: string } {
    const user = this.users.get(userId);
    if (!user) return { kind: 'not-found', reason: `404 Request_ResourceNotFound: ${userId}` };
    this.users.set(userId, {
      ...user,
      licenseAssignmentStates: change(user.licenseAssignmentStates),
    });
    return { kind: 'done' };
  }

  private membersInError(groupId: string): UserLicenseSnapshot[] {
    return [...this.users.values()].filter((user) =>
      user.licenseAssignmentStates.some(
        (row) => row.assignedByGroup === groupId && row.error !== 'None'
      )
    );
  }
}
