import type { PlannedGroup } from './group-plan';

/**
 * The order in which the planned groups are populated and licensed: the most members to add first.
 * Entra processes groups side by side, each at its own pace, so the group with the most members to
 * process decides when the assignment ends; starting it first lets every smaller group's population and
 * processing happen while it runs (ties keep the plan's order).
 */
export function inPopulationOrder<G extends Pick<PlannedGroup, 'toAdd'>>(
  groups: readonly G[]
): G[] {
  return groups
    .map((group, index) => ({ group, index }))
    .sort((a, b) => b.group.toAdd - a.group.toAdd || a.index - b.index)
    .map(({ group }) => group);
}
