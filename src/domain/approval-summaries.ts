/**
 * What each sign-off card says will change, in lines an approver reads: the one place their wording
 * lives. Pure: each takes what the request is about and returns the card's summary lines.
 */

import { dynamicChoiceSummary, dynamicGroupName, type DynamicChoice } from './dynamic-choice';
import type { FollowUpFinding } from './follow-up';
import type { GroupPlan, PlannedGroup } from './group-plan';
import type { MigrationRecord, StoredWave } from './migration-record';
import { productName } from './product-names';
import { assignmentsIn, usersSampleOf } from './wave-metadata';

/** Users named on a wave's card; the rest are counted. */
const WAVE_SAMPLE = 5;
/** Findings named on a restore's card; the rest are counted. */
const RESTORE_SAMPLE = 5;

/** One planned group's line on the assignment card: a new group, or members added to an existing one. */
function plannedGroupLine(planned: PlannedGroup): string {
  const sample = planned.sampleUserPrincipalNames.slice(0, 3).join(', ');
  const disabled = planned.disabledPlans.length;
  return planned.existingGroupId === null
    ? `Create "${planned.displayName}" with ${planned.userIds.length} members (e.g. ${sample}) and assign it ${productName(planned.skuPartNumber)}${disabled ? ` with the same ${disabled} service plans disabled as directly` : ''}.`
    : `Add ${planned.toAdd} members to the existing "${planned.displayName}" (e.g. ${sample}).`;
}

/** The groups `assign` works on: new ones, and existing ones that lack members. */
export const groupsToAssign = (groups: readonly PlannedGroup[]): PlannedGroup[] =>
  groups.filter((g) => g.existingGroupId === null || g.toAdd > 0);

/** Why there is nothing to assign, or null. */
export function nothingToAssign(plan: GroupPlan, groups: readonly PlannedGroup[]): string | null {
  if (groups.length > 0) return null;
  return plan.groups.length === 0
    ? 'Nobody holds a license directly: there is nothing to assign to groups.'
    : 'Every direct assignment is already matched by a licensing group that has its users as members: nothing to assign. Run `verify`.';
}

/**
 * The group assignment's card: each group to create or fill (a chosen variant as its dynamic group, rule
 * and numbers), the new seats, and the plan's warnings and notes.
 */
export function assignSummary(
  plan: GroupPlan,
  groups: readonly PlannedGroup[],
  chosen: { readonly dynamic: readonly DynamicChoice[]; readonly notes: readonly string[] } = {
    dynamic: [],
    notes: [],
  }
): string[] {
  return [
    ...groups.flatMap((planned) => {
      const choice = chosen.dynamic.find(
        (c) => planned.displayName === dynamicGroupName(c.variantName)
      );
      if (choice) return dynamicChoiceSummary(choice);
      // Said with its dynamic group's lines.
      if (planned.exceptionsFor) return [];
      return [plannedGroupLine(planned)];
    }),
    `New seats needed: ${
      Object.entries(plan.newSeats)
        .filter(([, n]) => n > 0)
        .map(([sku, n]) => `${productName(sku)} ${n}`)
        .join(', ') || 'none (a user holding the SKU directly uses no second seat)'
    }.`,
    'Direct assignments are not touched in this phase.',
    ...plan.warnings,
    ...chosen.notes,
  ];
}

/** A removal wave's card: who loses which direct assignments, the checks, and the waves after it. */
export function waveSummary(wave: StoredWave, record: MigrationRecord): string[] {
  const users = usersSampleOf(wave).slice(0, WAVE_SAMPLE);
  const later = record.waves.filter((w) => w.number > wave.number);
  return [
    `Remove ${assignmentsIn(wave)} direct license assignments from ${wave.userCount} users; their group licenses stay.`,
    `For example: ${users.join(', ')}${wave.userCount > users.length ? `, and ${wave.userCount - users.length} more` : ''}.`,
    'Each user is checked again on fresh data just before the removal; anyone who would lose anything is skipped, and anyone who loses something is given the direct assignment back at once.',
    later.length > 0
      ? `After this wave: ${later.length} more (${later.map((w) => w.userCount).join(', ')} users), each with its own sign-off.`
      : 'This is the last wave proposed.',
  ];
}

/** A rollback's card: how many direct assignments wave N removed are put back. */
export function rollbackSummary(waveNumber: number, removed: number): string[] {
  return [
    `Put back the ${removed} direct assignments wave ${waveNumber} removed, each with its original disabled service plans.`,
    'Users whose direct assignment is already back are left as they are.',
  ];
}

/** A restore's card: what a wave's follow-up found missing, given back. */
export function restoreSummary(waveNumber: number, findings: readonly FollowUpFinding[]): string[] {
  return [
    `Give ${findings.length} direct license assignments that wave ${waveNumber} removed back to their users, each with its original disabled service plans: they lack something since.`,
    ...findings.slice(0, RESTORE_SAMPLE).map((f) => `${f.userPrincipalName} ${f.detail}`),
    ...(findings.length > RESTORE_SAMPLE ? [`And ${findings.length - RESTORE_SAMPLE} more.`] : []),
    'Their group licenses stay. Fix the group, then include them in a later wave.',
  ];
}
