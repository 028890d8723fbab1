import type { DynamicLicensingGroup } from '../../domain/dynamic-licensing-group';
import type { DynamicRulePlan } from '../../domain/dynamic-rule-plan';
import type { GroupPlan } from '../../domain/group-plan';
import type { InventoryReport } from '../../domain/inventory';
import type { PreflightReport } from '../../domain/preflight';
import { defaultWaveSizes, parseWaveSizes, type Wave } from '../../domain/waves';
import { splitCandidatesIntoWaves } from '../../domain/wave-candidates';
import { listLicenseErrors, type LicenseErrorRow } from '../list-license-errors';
import { planGroupsWithRules } from '../plan-groups';
import { runPreflight, type PreflightDependencies } from '../preflight';
import { takeInventory } from '../take-inventory';
import type { TenantReader } from '../ports/tenant-reader';
import { verifyDirectRemovals, type VerifyResult, type VerifyRow } from '../verify-removals';

export interface TenantReadsDependencies {
  readonly reader: TenantReader;
  /** `doctor`'s checks; where they run decides which can be made (the command line has no channel). */
  readonly preflight: PreflightDependencies;
}

/**
 * Reads of the tenant as it stands, open to everyone and changing nothing: what the bot's reads and
 * the command line share. The migration's own reads (status, waves, sign-offs) are in `reads.ts`.
 */
export class TenantReads {
  constructor(protected readonly tenant: TenantReadsDependencies) {}

  inventory(): Promise<InventoryReport> {
    return takeInventory(this.tenant.reader);
  }

  /** Phase 2's dry run: the licensing groups, and the dynamic rules that could replace them. */
  plan(): Promise<{ plan: GroupPlan; rules: DynamicRulePlan }> {
    return planGroupsWithRules(this.tenant.reader);
  }

  /**
   * Which direct assignments could go now, and why each that stays must; `intended`: the plan's groups.
   * Every row goes to `onRow` as it is decided; the result keeps counts and a few examples.
   */
  verify(
    intended?: ReadonlyMap<string, ReadonlySet<string>>,
    dynamicGroups?: readonly DynamicLicensingGroup[],
    onRow?: (row: VerifyRow) => void
  ): Promise<VerifyResult> {
    return verifyDirectRemovals(this.tenant.reader, intended, dynamicGroups, onRow);
  }

  errors(): Promise<LicenseErrorRow[]> {
    return listLicenseErrors(this.tenant.reader);
  }

  /**
   * The waves `waves` would propose, and from what verification: nothing is stored or asked for.
   * Malformed sizes throw WaveSizeError.
   */
  async previewWaves(sizesText?: string): Promise<{ waves: Wave[]; verified: VerifyResult }> {
    const verified = await this.verify();
    const sizes = sizesText
      ? parseWaveSizes(sizesText)
      : defaultWaveSizes(verified.candidates.userCount);
    return { waves: splitCandidatesIntoWaves(verified.candidates, sizes), verified };
  }

  /** Every pre-flight check, none of which changes anything. */
  preflight(): Promise<PreflightReport> {
    return runPreflight(this.tenant.preflight);
  }
}
