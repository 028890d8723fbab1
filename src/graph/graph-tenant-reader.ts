import { setImmediate as nextTurnOfEventLoop } from 'node:timers/promises';
import type { Client, GraphRequest, PageCollection } from '@microsoft/microsoft-graph-client';
import type { LicenseChangeEvent } from '../domain/automation';
import type { ExistingLicensingGroup } from '../domain/group-plan';
import type {
  LicenseAssignmentSnapshot,
  SkuSnapshot,
  UserLicenseSnapshot,
} from '../domain/licenses';
import type { TenantReader } from '../engine/ports/tenant-reader';
import type { WritePacer } from './write-pacer';
import {
  USER_RULE_PROPERTIES,
  ruleAttributesOf,
  type GraphRuleFields,
} from './graph-rule-attributes';

/** Graph returns up to 999 directory objects per page: the fewest requests for a full read. */
export const PAGE_SIZE = 999;
/**
 * Items visited between turns of the event loop: a page of 999 users decided at once holds turns, timers
 * and other commands back for tens of milliseconds on a loaded machine; a quarter of it, a few.
 */
const ITEMS_PER_TURN = 250;

/**
 * Identity and access reports, the audit log among them: 5 requests per 10 s per app per tenant
 * (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-reports-service-limits), with
 * the write pacer's margin for requests that arrive later than they leave.
 */
export const AUDIT_LOG_CEILING = { writes: 5, windowMs: 10_000, arrivalSpreadMs: 2_000 } as const;

const CHANGE_USER_LICENSE = "activityDisplayName eq 'Change user license'";
export const USER_LICENSE_PROPERTIES = [
  'id',
  'userPrincipalName',
  'accountEnabled',
  'usageLocation',
  'licenseAssignmentStates',
];

/** The whole-tenant read also takes what membership rules would test (usageLocation is in both). */
const EVERY_USER_PROPERTIES = [...new Set([...USER_LICENSE_PROPERTIES, ...USER_RULE_PROPERTIES])];

interface GraphSku {
  skuId: string;
  skuPartNumber: string;
  consumedUnits?: number;
  prepaidUnits?: { enabled?: number; warning?: number; suspended?: number; lockedOut?: number };
  servicePlans?: { servicePlanId: string; servicePlanName: string }[];
}

interface GraphAudit {
  activityDateTime: string;
  initiatedBy?: {
    app?: { displayName?: string | null; appId?: string | null } | null;
    user?: { userPrincipalName?: string | null } | null;
  };
  targetResources?: { id?: string | null; type?: string | null }[];
}

interface GraphGroup {
  id: string;
  displayName?: string | null;
  groupTypes?: string[] | null;
  onPremisesSyncEnabled?: boolean | null;
  isAssignableToRole?: boolean | null;
  assignedLicenses?: { skuId?: string; disabledPlans?: string[] }[];
}

export interface GraphUser extends GraphRuleFields {
  id: string;
  userPrincipalName?: string;
  accountEnabled?: boolean | null;
  usageLocation?: string | null;
  licenseAssignmentStates?: {
    skuId?: string | null;
    assignedByGroup?: string | null;
    disabledPlans?: string[];
    state?: string | null;
    error?: string | null;
  }[];
}

/** Reads the tenant's licensing picture through Graph: SKUs, and every user's per-source assignments. */
export class GraphTenantReader implements TenantReader {
  constructor(
    private readonly client: Client,
    /** This bot's own application id, when known: its changes are never "existing automation". */
    private readonly ownAppId?: string,
    /**
     * Every audit-log request waits its turn here: the identity and access reports limit (5 requests per
     * 10 s per app and tenant) is far tighter than the directory's. None: Graph's 429s pace it instead.
     */
    private readonly auditPacer: WritePacer | null = null
  ) {}

  async organizationId(): Promise<string> {
    const response = (await this.client.api('/organization').select(['id']).get()) as {
      value: { id: string }[];
    };
    const organization = response.value[0];
    if (!organization) throw new Error('Graph returned no organization for this tenant.');
    return organization.id;
  }

  async subscribedSkus(): Promise<SkuSnapshot[]> {
    const response = (await this.client
      .api('/subscribedSkus')
      .select(['skuId', 'skuPartNumber', 'consumedUnits', 'prepaidUnits', 'servicePlans'])
      .get()) as { value: GraphSku[] };
    return response.value.map((sku) => ({
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      prepaidUnits: assignableUnits(sku.prepaidUnits),
      consumedUnits: sku.consumedUnits ?? 0,
      servicePlans: (sku.servicePlans ?? []).map((p) => ({
        servicePlanId: p.servicePlanId,
        servicePlanName: p.servicePlanName,
      })),
    }));
  }

  async licensingGroupNames(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    await this.visitAll<GraphGroup>(this.licensedGroupsRequest(), (group) => {
      if ((group.assignedLicenses ?? []).length > 0)
        names.set(group.id, group.displayName ?? group.id);
    });
    return names;
  }

  async licensingGroups(): Promise<ExistingLicensingGroup[]> {
    const groups: GraphGroup[] = [];
    await this.visitAll<GraphGroup>(this.licensedGroupsRequest(), (group) => {
      if ((group.assignedLicenses ?? []).length > 0) groups.push(group);
    });
    const result: ExistingLicensingGroup[] = [];
    for (const group of groups) {
      let nestedGroupCount = 0;
      await this.visitAll<{ '@odata.type'?: string }>(
        this.client.api(`/groups/${group.id}/members`).select(['id']).top(PAGE_SIZE),
        (member) => {
          if (member['@odata.type'] === '#microsoft.graph.group') nestedGroupCount++;
        }
      );
      result.push({
        id: group.id,
        displayName: group.displayName ?? group.id,
        licenses: (group.assignedLicenses ?? []).flatMap((l) =>
          l.skuId ? [{ skuId: l.skuId.toLowerCase(), disabledPlans: l.disabledPlans ?? [] }] : []
        ),
        nestedGroupCount,
        groupTypes: group.groupTypes ?? [],
        onPremisesSyncEnabled: group.onPremisesSyncEnabled ?? null,
        isAssignableToRole: group.isAssignableToRole ?? null,
      });
    }
    return result;
  }

  async groupsWithLicenseErrors(): Promise<{ id: string; displayName: string }[]> {
    const groups: { id: string; displayName: string }[] = [];
    await this.visitAll<GraphGroup>(
      this.client
        .api('/groups')
        .filter('hasMembersWithLicenseErrors eq true')
        .select(['id', 'displayName'])
        .top(PAGE_SIZE),
      (group) => groups.push({ id: group.id, displayName: group.displayName ?? group.id })
    );
    return groups;
  }

  async membersWithLicenseErrors(groupId: string): Promise<UserLicenseSnapshot[]> {
    const users: UserLicenseSnapshot[] = [];
    await this.visitAll<GraphUser>(
      this.client
        // A collection of directoryObject: the user cast is what lets $select name user properties.
        .api(`/groups/${groupId}/membersWithLicenseErrors/microsoft.graph.user`)
        .select(USER_LICENSE_PROPERTIES)
        .top(PAGE_SIZE),
      (user) => users.push(toUserSnapshot(user))
    );
    return users;
  }

  async licenseChangeEvents(since: Date): Promise<LicenseChangeEvent[]> {
    const events: LicenseChangeEvent[] = [];
    await this.visitAudit(
      `${CHANGE_USER_LICENSE} and activityDateTime ge ${auditMoment(since)}`,
      (event) => events.push(event)
    );
    return events;
  }

  /**
   * The same events about these users only: one request each (`targetResources/any`), for when they are
   * fewer than the pages of the whole log. Graph's `$filter` here knows `eq`, `ge`, `le` and `startswith`
   * but no `ne` or `or` (directoryaudit-list), so neither the bot's own events nor several users can be
   * left out or joined in one request.
   */
  async licenseChangeEventsAbout(
    userIds: readonly string[],
    since: Date
  ): Promise<LicenseChangeEvent[]> {
    const events: LicenseChangeEvent[] = [];
    for (const userId of userIds)
      await this.visitAudit(
        `${CHANGE_USER_LICENSE} and activityDateTime ge ${auditMoment(since)} and targetResources/any(t: t/id eq '${userId.replace(/'/g, "''")}')`,
        (event) => events.push(event)
      );
    return events;
  }

  /**
   * Every page of a filtered audit-log read, each request paced to the reports limit. Graph cannot leave
   * the bot's own changes out (no `ne`): they are skipped as they come, never kept.
   */
  private async visitAudit(
    filter: string,
    visit: (event: LicenseChangeEvent) => void
  ): Promise<void> {
    const own = this.ownAppId?.toLowerCase();
    let next: string | undefined;
    do {
      await this.auditPacer?.acquire(1);
      const page = (await (
        next
          ? this.client.api(next)
          : this.client.api('/auditLogs/directoryAudits').filter(filter).top(PAGE_SIZE)
      ).get()) as { value?: GraphAudit[]; '@odata.nextLink'?: string };
      for (const entry of page.value ?? []) {
        if (own !== undefined && entry.initiatedBy?.app?.appId?.toLowerCase() === own) continue;
        const event = toLicenseChangeEvent(entry);
        if (event) visit(event);
      }
      next = page['@odata.nextLink'];
    } while (next);
  }

  async forEachUser(visit: (user: UserLicenseSnapshot) => void): Promise<void> {
    await this.visitAll<GraphUser>(
      this.client.api('/users').select(EVERY_USER_PROPERTIES).top(PAGE_SIZE),
      (user) => visit({ ...toUserSnapshot(user), ruleAttributes: ruleAttributesOf(user) })
    );
  }

  private licensedGroupsRequest(): GraphRequest {
    // Whether the bot may add members: synced, dynamic and role-assignable groups refuse it.
    return this.client
      .api('/groups')
      .select([
        'id',
        'displayName',
        'assignedLicenses',
        'groupTypes',
        'onPremisesSyncEnabled',
        'isAssignableToRole',
      ])
      .top(PAGE_SIZE);
  }

  /**
   * Every item of a paged collection, following @odata.nextLink as the SDK's page iterator does, and
   * letting the event loop take a turn every ITEMS_PER_TURN items so the work never starves it.
   */
  private async visitAll<T>(request: GraphRequest, visit: (item: T) => void): Promise<void> {
    let page = (await request.get()) as PageCollection;
    for (;;) {
      const items = (page.value ?? []) as T[];
      for (let i = 0; i < items.length; i++) {
        if (i > 0 && i % ITEMS_PER_TURN === 0) await nextTurnOfEventLoop();
        visit(items[i]);
      }
      const nextLink = page['@odata.nextLink'];
      if (!nextLink) return;
      page = (await this.client.api(nextLink).get()) as PageCollection;
    }
  }
}

/**
 * Seats that can be assigned: `enabled`, and `warning` (an expired subscription in its grace period, still
 * assignable); `suspended` and `lockedOut` units cannot be (licenseUnitsDetail resource,
 * https://learn.microsoft.com/graph/api/resources/licenseunitsdetail).
 */
function assignableUnits(units: GraphSku['prepaidUnits']): number {
  return (units?.enabled ?? 0) + (units?.warning ?? 0);
}

/** An audit moment as Graph's `$filter` takes it: an unquoted DateTimeOffset, whole seconds. */
function auditMoment(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toLicenseChangeEvent(entry: GraphAudit): LicenseChangeEvent | null {
  const app = entry.initiatedBy?.app?.displayName;
  const user = entry.initiatedBy?.user?.userPrincipalName;
  const target = entry.targetResources?.find((t) => t.type === 'User')?.id;
  const about = target ? { targetUserId: target.toLowerCase() } : {};
  if (app) return { at: entry.activityDateTime, actor: app, actorKind: 'app', ...about };
  if (user) return { at: entry.activityDateTime, actor: user, actorKind: 'user', ...about };
  return null;
}

export function toUserSnapshot(user: GraphUser): UserLicenseSnapshot {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName ?? user.id,
    accountEnabled: user.accountEnabled ?? true,
    usageLocation: user.usageLocation ?? null,
    licenseAssignmentStates: (user.licenseAssignmentStates ?? []).flatMap(
      (row): LicenseAssignmentSnapshot[] =>
        row.skuId
          ? [
              {
                skuId: row.skuId.toLowerCase(),
                assignedByGroup: row.assignedByGroup ?? null,
                disabledPlans: row.disabledPlans ?? [],
                state: row.state ?? null,
                error: row.error ?? null,
              },
            ]
          : []
    ),
  };
}
