import { directAssignmentOf } from './direct-assignment';
import type { UserLicenseSnapshot } from './licenses';
import { decideDirectRemovals, type RemovalContext, type RemovalDecision } from './removal-safety';
import { WaveCandidates, type CandidateRow } from './wave-candidates';

/** One user and one directly assigned SKU, with what the migration would do and why. */
export interface VerifyRow {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  readonly decision: RemovalDecision['decision'];
  readonly reason: string;
}

/** How many of the assignments that must stay are kept as examples: what a card lists (SAMPLE_ROWS). */
export const KEPT_EXAMPLES = 10;

export interface VerifyResult {
  /** Per SKU part number: how many direct assignments could go, and how many stay. */
  readonly summary: Record<string, { remove: number; skip: number }>;
  /** How many direct assignments must stay. */
  readonly kept: number;
  /** The first of them (at most KEPT_EXAMPLES), in the order read, each with why it stays. */
  readonly keptExamples: readonly VerifyRow[];
  /** The first, middle and last that may go: a few for the admin to check by hand. */
  readonly spotCheck: readonly CandidateRow[];
  /** The direct assignments that may go, with what a restore would need: the input to removal waves. */
  readonly candidates: WaveCandidates;
}

/**
 * Verification of a tenant one user at a time, so a 500,000-user tenant is checked while paging: counts
 * per SKU, the first few that must stay, and every candidate kept compactly; no row per user is kept.
 */
export class VerifyTally {
  private readonly summary: VerifyResult['summary'] = {};
  private readonly keptExamples: VerifyRow[] = [];
  private readonly candidates = new WaveCandidates();
  private kept = 0;

  constructor(
    private readonly context: RemovalContext,
    private readonly examples = KEPT_EXAMPLES
  ) {}

  /** Decides each of the user's direct assignments; returns the rows, for a caller that streams them. */
  add(user: UserLicenseSnapshot): VerifyRow[] {
    return decideDirectRemovals(user, this.context).map((decision) => {
      const row: VerifyRow = {
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        skuId: decision.skuId,
        decision: decision.decision,
        reason: decision.reason,
      };
      if (decision.decision === 'remove') {
        const direct = directAssignmentOf(user, decision.skuId);
        this.candidates.add(user, decision.skuId, direct?.disabledPlans ?? [], decision.reason);
      } else {
        this.kept++;
        if (this.keptExamples.length < this.examples) this.keptExamples.push(row);
      }
      const label = this.context.skus.get(decision.skuId)?.skuPartNumber ?? decision.skuId;
      const counts = (this.summary[label] ??= { remove: 0, skip: 0 });
      counts[decision.decision]++;
      return row;
    });
  }

  result(): VerifyResult {
    return {
      summary: this.summary,
      kept: this.kept,
      keptExamples: this.keptExamples,
      spotCheck: spotCheckOf(this.candidates),
      candidates: this.candidates,
    };
  }
}

/** The first, middle and last candidate, each once: spread over the list, for a check by hand. */
export function spotCheckOf(candidates: WaveCandidates): CandidateRow[] {
  const last = candidates.length - 1;
  // None when nobody can go yet (no group gives their licenses): there is nothing to spot-check.
  return [...new Set([0, Math.floor(candidates.length / 2), last])]
    .filter((i) => i >= 0 && i <= last)
    .map((i) => candidates.row(i));
}
