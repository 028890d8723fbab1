import type { Person } from './approvals';
import type { LicenseAssignmentSnapshot, SkuSnapshot, UserLicenseSnapshot } from './licenses';
import { assignmentAdvice, describeAssignmentState } from './license-errors';
import { productName } from './product-names';
import { isHealthy, list, planName, plansLostAfterRemoval } from './removal-safety';
import { holdsDirectly } from './direct-assignment';

/**
 * A wave's follow-up: after a soak period, every direct assignment the wave removed is checked again
 * on fresh data. The user must still have the SKU and every plan the direct assignment enabled,
 * inherited, active and without error, and must not hold it directly again. Pure: snapshots in,
 * findings out.
 */

/** One removed direct assignment to check: the journal's removal intent. */
export interface FollowUpTarget {
  readonly intentId: string;
  readonly userId: string;
  readonly skuId: string;
  /** The direct assignment's disabled plans: what it enabled, and what a restore puts back. */
  readonly disabledPlans: readonly string[];
}

export type FollowUpProblem =
  | 'lost-plans'
  | 'license-error'
  | 'direct-again'
  | 'unreadable'
  /** Licensed only through a dynamic group whose rule no longer matches them: see rule-drift.ts. */
  | 'rule-drift';

export interface FollowUpFinding {
  readonly intentId: string;
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  readonly problem: FollowUpProblem;
  /** What is wrong and why, in words an admin acts on. */
  readonly detail: string;
  /** The user lacks something the direct assignment gave: putting it back (after approval) fixes it. */
  readonly needsRestore: boolean;
}

export interface FollowUpState {
  readonly dueAt: string;
  readonly status: 'waiting' | 'clean' | 'problems';
  /** Who asked for this check (`followup N`, or the approver of the restore it follows): a restore it asks for is theirs. */
  readonly askedBy?: Person;
  /** Direct assignments put back after an earlier check of this wave (with their sign-off). */
  readonly restored?: number;
  readonly checkedAt?: string;
  /** Removed assignments checked, and those whose user no longer exists. */
  readonly checked?: number;
  readonly usersGone?: number;
  /** How many findings; the first ones are kept in `findings` (the report and the channel have them all). */
  readonly problems?: number;
  readonly findings?: readonly FollowUpFinding[];
  /** Every removal a restore would put back (the findings that need one). */
  readonly restoreIntentIds?: readonly string[];
  /** The sign-off request to put back what the findings say is missing. */
  readonly restoreApprovalId?: string;
}

/** Checks one removed assignment against the user as they are now; null when all is well. */
export function checkRemovedAssignment(
  target: FollowUpTarget,
  user: UserLicenseSnapshot,
  sku: SkuSnapshot | undefined,
  groupNames: ReadonlyMap<string, string>
): FollowUpFinding | null {
  const product = sku ? productName(sku.skuPartNumber) : target.skuId;
  const groupName = (id: string | null) => `"${groupNames.get(id ?? '') ?? id}"`;
  const rows = user.licenseAssignmentStates.filter((r) => r.skuId === target.skuId);
  const finding = (problem: FollowUpProblem, detail: string, needsRestore: boolean) => ({
    intentId: target.intentId,
    userId: target.userId,
    userPrincipalName: user.userPrincipalName,
    skuId: target.skuId,
    problem,
    detail,
    needsRestore,
  });
  const directAgain = holdsDirectly(user, target.skuId);
  const inherited = rows.filter((r) => r.assignedByGroup !== null);
  // Against every healthy assignment left, direct ones included.
  const lost = plansLostAfterRemoval(user, sku, target.skuId, target.disabledPlans);
  // A licence the tenant no longer lists cannot be assigned again: reported, not put back.
  if (!sku && !rows.some(isHealthy))
    return finding(
      'lost-plans',
      `lost ${product}, which the tenant no longer lists among its subscriptions; it cannot be assigned back until the subscription is there again.`,
      false
    );
  if (directAgain)
    return lost.length === 0
      ? finding(
          'direct-again',
          `holds ${product} directly again since the wave: something (the old automation?) assigned it. Nothing is missing, but the direct assignment must go: point that automation at the licensing group, then remove it in a later wave (\`waves\`) or by hand.`,
          false
        )
      : finding(
          'lost-plans',
          `holds ${product} directly again since the wave, but without ${list(lost.map((id) => planName(sku, id)))} (the old automation?): give those plans back by hand, point that automation at the licensing group, then remove the direct assignment in a later wave.`,
          false
        );
  const inError = inherited.filter((r) => !isHealthy(r));
  if (lost.length === 0) {
    return inError.length === 0
      ? null
      : finding(
          'license-error',
          `keeps every plan of ${product}, but ${describeUnhealthy(inError, groupName)}. ${assignmentAdvice(inError[0].state, inError[0].error)?.fix ?? ''}`.trimEnd(),
          false
        );
  }
  return finding('lost-plans', lossDetail(product, lost, inherited, sku, groupName), true);
}

function describeUnhealthy(
  rows: readonly LicenseAssignmentSnapshot[],
  groupName: (id: string | null) => string
): string {
  return list(
    rows.map(
      (r) =>
        `the assignment from ${groupName(r.assignedByGroup)} is ${describeAssignmentState(r.state, r.error)}`
    )
  );
}

/** Why plans are missing: no group gives the SKU any more, a group is in error, or disables them now. */
function lossDetail(
  product: string,
  lost: readonly string[],
  inherited: readonly LicenseAssignmentSnapshot[],
  sku: SkuSnapshot | undefined,
  groupName: (id: string | null) => string
): string {
  const names = list(lost.map((id) => planName(sku, id)));
  if (inherited.length === 0)
    return `lost ${product}: no group gives it to them any more (removed from the licensing group, or the group's license removed).`;
  const healthy = inherited.filter(isHealthy);
  if (healthy.length === 0) {
    const advice = assignmentAdvice(inherited[0].state, inherited[0].error);
    return `lost ${product}: ${describeUnhealthy(inherited, groupName)}.${advice ? ` ${advice.cause}` : ''}`;
  }
  const disabling = healthy.filter((r) =>
    lost.some((id) => r.disabledPlans.some((d) => d.toLowerCase() === id.toLowerCase()))
  );
  return `lost ${names} of ${product}: ${list(disabling.map((r) => groupName(r.assignedByGroup)))} ${disabling.length === 1 ? 'disables' : 'disable'} ${lost.length === 1 ? 'it' : 'them'} now (the group's disabled plans changed after the wave).`;
}

/** Moments as every reader can place them: "2026-11-25 09:00 UTC". */
export const utc = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

/** The follow-up result in a few words: a status row, a card fact. */
export function describeFollowUp(followUp: FollowUpState | undefined): string {
  if (!followUp) return '—';
  const problems = followUp.problems ?? followUp.findings?.length ?? 0;
  const restored = followUp.restored
    ? `, after putting back ${followUp.restored.toLocaleString('en-US')}`
    : '';
  switch (followUp.status) {
    case 'waiting':
      return `due ${utc(followUp.dueAt)}${restored}`;
    case 'clean':
      return `clean (${utc(followUp.checkedAt ?? followUp.dueAt)})${restored}`;
    case 'problems':
      return `${problems.toLocaleString('en-US')} ${problems === 1 ? 'problem' : 'problems'}${restored}`;
  }
}

/** A follow-up that holds the next waves: not yet done, or with findings nobody has resolved. */
export const followUpHolds = (followUp: FollowUpState | undefined): boolean =>
  followUp?.status === 'waiting' || followUp?.status === 'problems';

/**
 * Why wave `waveNumber` may not be released yet: the follow-up of a wave before it is not done, or found
 * problems nobody has resolved. Waves rolled back hold nothing (their users have it all back). Null when
 * it may go.
 */
export function releaseBlocker(
  waves: readonly {
    readonly number: number;
    readonly status: string;
    readonly followUp?: FollowUpState;
  }[],
  waveNumber: number,
  /** Whether a restore request is still open for a decision. */
  restoreOpen: (approvalId: string) => boolean = () => true
): string | null {
  const previous = waves
    .filter(
      (w) =>
        w.number < waveNumber &&
        ['completed', 'stopped'].includes(w.status) &&
        followUpHolds(w.followUp)
    )
    .sort((a, b) => b.number - a.number)[0];
  const followUp = previous?.followUp;
  if (!previous || !followUp) return null;
  if (followUp.status === 'waiting')
    return `Wave ${previous.number}'s follow-up is not done yet (due ${utc(followUp.dueAt)}): wave ${waveNumber} can be released once it is clean.`;
  if (followUp.status === 'problems') {
    const problems = followUp.problems ?? followUp.findings?.length ?? 0;
    const first = followUp.findings?.[0];
    const fix =
      followUp.restoreApprovalId && restoreOpen(followUp.restoreApprovalId)
        ? `approve putting back what is missing, or fix the cause and run \`followup ${previous.number}\``
        : `fix the cause and run \`followup ${previous.number}\``;
    return `Wave ${previous.number}'s follow-up found ${problems.toLocaleString('en-US')} ${problems === 1 ? 'problem' : 'problems'}${first ? ` (${first.userPrincipalName} ${first.detail})` : ''}: ${fix} before wave ${waveNumber}.`;
  }
  return null;
}
