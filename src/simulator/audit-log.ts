import { randomUUID } from 'node:crypto';

/** Who made a change, as directoryAudit.initiatedBy shows it. */
export type AuditActor =
  | { readonly kind: 'app'; readonly displayName: string; readonly appId: string | null }
  | { readonly kind: 'user'; readonly id: string; readonly userPrincipalName: string };

/**
 * The system principal that applies group licenses, as today's tenants name it ("Microsoft Entra
 * group-Based Licensing", case-sensitive, licensing-group-advanced; older tenants showed "Microsoft Azure
 * AD Group-Based Licensing").
 */
export const GROUP_BASED_LICENSING: AuditActor = {
  kind: 'app',
  displayName: 'Microsoft Entra group-Based Licensing',
  appId: null,
};

export interface AuditTarget {
  readonly id: string;
  readonly type: 'User' | 'Group';
  readonly displayName?: string | null;
  readonly userPrincipalName?: string | null;
  readonly modifiedProperties?: readonly {
    displayName: string;
    oldValue: string | null;
    newValue: string | null;
  }[];
}

export interface AuditEvent {
  readonly activityDisplayName: string;
  readonly category: 'UserManagement' | 'GroupManagement';
  readonly operationType: 'Add' | 'Assign' | 'Update' | 'Unassign' | 'Delete';
  readonly actor: AuditActor;
  readonly targets: readonly AuditTarget[];
  readonly result?: 'success' | 'failure';
  readonly resultReason?: string;
  readonly at: Date;
}

/**
 * The tenant's directory audit log, newest last; served newest first, as Graph does. An entry reaches
 * Graph `latencyMs` (simulated) after its change: Microsoft publishes no figure, third parties observe
 * 5–60 minutes (docs/simulator.md).
 */
export class AuditLog {
  private readonly entries: Record<string, unknown>[] = [];
  /** When each change happened or was recorded, whichever is earlier, in simulated epoch ms. */
  private readonly happenedAt: number[] = [];
  latencyMs = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  record(event: AuditEvent): void {
    const correlationId = randomUUID();
    // An entry about the past (a fixture's history) is readable once the latency has passed since then.
    this.happenedAt.push(Math.min(event.at.getTime(), this.now().getTime()));
    this.entries.push({
      id: `Directory_${correlationId}_${this.entries.length}`,
      category: event.category,
      correlationId,
      result: event.result ?? 'success',
      resultReason: event.resultReason ?? '',
      activityDisplayName: event.activityDisplayName,
      activityDateTime: event.at.toISOString(),
      loggedByService: 'Core Directory',
      operationType: event.operationType,
      initiatedBy:
        event.actor.kind === 'app'
          ? {
              user: null,
              app: {
                appId: event.actor.appId,
                displayName: event.actor.displayName,
                servicePrincipalId: null,
                servicePrincipalName: null,
              },
            }
          : {
              app: null,
              user: {
                id: event.actor.id,
                userPrincipalName: event.actor.userPrincipalName,
                displayName: null,
                ipAddress: null,
              },
            },
      targetResources: event.targets.map((target) => ({
        id: target.id,
        displayName: target.displayName ?? null,
        type: target.type,
        userPrincipalName: target.userPrincipalName ?? null,
        // Graph's groupType enum: unifiedGroups for Microsoft 365 groups, azureAD for security groups.
        groupType: target.type === 'Group' ? 'azureAD' : null,
        modifiedProperties: target.modifiedProperties ?? [],
      })),
      additionalDetails: [],
    });
  }

  /** How many entries there are: a snapshot marker for paging. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Newest first; entries made in the same instant keep their order (latest first). With `upTo`, only
   * the first `upTo` entries ever written: what the log held when a paged read began.
   */
  list(upTo = this.entries.length, asOf = this.now().getTime()): Record<string, unknown>[] {
    return this.entries
      .slice(0, upTo)
      .map((entry, index) => ({ entry, index }))
      .filter(({ index }) => this.happenedAt[index] + this.latencyMs <= asOf)
      .sort(
        (a, b) =>
          String(b.entry.activityDateTime).localeCompare(String(a.entry.activityDateTime)) ||
          b.index - a.index
      )
      .map(({ entry }) => entry);
  }
}

/** The AssignedLicense value format seen in real audit entries: `[SkuName=…, AccountId=…, SkuId=…, DisabledPlans=[…]]`. */
export function assignedLicenseValue(
  licenses: readonly { skuPartNumber: string; skuId: string; disabledPlans: readonly string[] }[],
  tenantId: string
): string {
  return JSON.stringify(
    licenses.map(
      (l) =>
        `[SkuName=${l.skuPartNumber}, AccountId=${tenantId}, SkuId=${l.skuId}, DisabledPlans=[${l.disabledPlans.join(',')}]]`
    )
  );
}
