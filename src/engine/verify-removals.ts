import { decideDirectRemovals, type RemovalDecision } from '../domain/removal-safety';
import type { WaveEntry } from '../domain/waves';
import type { TenantReader } from './ports/tenant-reader';
import type { DynamicLicensingGroup } from '../domain/dynamic-licensing-group';

/** One user and one directly assigned SKU, with what the migration would do and why. */
export interface VerifyRow {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  readonly decision: RemovalDecision['decision'];
  readonly reason: string;
}

export interface VerifyResult {
  readonly users: VerifyRow[];
  /** The direct assignments that may go, with what a restore would need: the input to removal waves. */
  readonly candidates: WaveEntry[];
  /** Per SKU part number: how many direct assignments could go, and how many stay. */
  readonly summary: Record<string, { remove: number; skip: number }>;
}

/**
 * Checks every direct assignment in the tenant as it stands: may it go without the user losing anything?
 * With no plan recorded, every licensing group that assigns the SKU counts. Reads only.
 */
export async function verifyDirectRemovals(
  reader: TenantReader,
  intendedGroups?: ReadonlyMap<string, ReadonlySet<string>>,
  dynamicGroups?: readonly DynamicLicensingGroup[]
): Promise<VerifyResult> {
  const skuList = await reader.subscribedSkus();
  const skus = new Map(skuList.map((sku) => [sku.skuId.toLowerCase(), sku]));
  const groupNames = await reader.licensingGroupNames();
  const users: VerifyRow[] = [];
  const candidates: WaveEntry[] = [];
  const summary: VerifyResult['summary'] = {};
  await reader.forEachUser((user) => {
    for (const decision of decideDirectRemovals(user, {
      skus,
      groupNames,
      intendedGroups,
      ...(dynamicGroups ? { dynamicGroups } : {}),
    })) {
      users.push({
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        skuId: decision.skuId,
        decision: decision.decision,
        reason: decision.reason,
      });
      if (decision.decision === 'remove') {
        const direct = user.licenseAssignmentStates.find(
          (r) => r.skuId === decision.skuId && r.assignedByGroup === null
        );
        candidates.push({
          userId: user.id,
          userPrincipalName: user.userPrincipalName,
          skuId: decision.skuId,
          disabledPlans: direct?.disabledPlans ?? [],
        });
      }
      const label = skus.get(decision.skuId)?.skuPartNumber ?? decision.skuId;
      const counts = (summary[label] ??= { remove: 0, skip: 0 });
      counts[decision.decision]++;
    }
  });
  return { users, candidates, summary };
}
