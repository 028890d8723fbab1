import { isNotAutomation, type LicenseChangeEvent } from './automation';
import type { UserLicenseSnapshot } from './licenses';
import { holdsAnyDirectly } from './direct-assignment';
import type { UserIds } from './user-id-set';

/**
 * Joiners while the old automation keeps running: people it licensed directly after the waves were
 * frozen, who are in no wave. They are not lost, only not migrated yet: `assign` adds them to the
 * licensing groups, then `waves` plans their removals. Pure: users and audit events in, a finding out.
 */

export interface JoinersFinding {
  readonly count: number;
  /** Who licensed them (the automation's names, as the audit log shows them), most first. */
  readonly actors: readonly string[];
  /** A few of them, by user principal name. */
  readonly sample: readonly string[];
}

const SAMPLE = 5;

/**
 * Enabled users holding a direct license that no wave covers, whom the tenant's automation licensed
 * since `frozenAt`. Leavers (disabled) are not joiners; the bot's own and group-based licensing's
 * changes are not the automation's.
 */
export function joinersSinceWaves(
  users: readonly UserLicenseSnapshot[],
  /** The users in a wave (lower-case ids, or a CompactUserIds). */
  waveUserIds: UserIds,
  events: readonly LicenseChangeEvent[],
  frozenAt: string,
  ignoreActors: readonly string[] = []
): JoinersFinding {
  const licensedBy = new Map<string, string>();
  for (const event of events) {
    if (!event.targetUserId || event.at < frozenAt || isNotAutomation(event, ignoreActors))
      continue;
    licensedBy.set(event.targetUserId.toLowerCase(), event.actor);
  }
  const joiners = users.filter(
    (u) =>
      u.accountEnabled &&
      !waveUserIds.has(u.id.toLowerCase()) &&
      licensedBy.has(u.id.toLowerCase()) &&
      holdsAnyDirectly(u)
  );
  const perActor = new Map<string, number>();
  for (const user of joiners) {
    const actor = licensedBy.get(user.id.toLowerCase()) ?? '';
    perActor.set(actor, (perActor.get(actor) ?? 0) + 1);
  }
  return {
    count: joiners.length,
    actors: [...perActor].sort((a, b) => b[1] - a[1]).map(([actor]) => actor),
    sample: joiners.slice(0, SAMPLE).map((u) => u.userPrincipalName),
  };
}

/** One sentence for the channel; null when there are none. */
export function describeJoiners(finding: JoinersFinding): string | null {
  if (finding.count === 0) return null;
  const who = finding.count === 1 ? '1 joiner' : `${finding.count} joiners`;
  const by = finding.actors.length > 0 ? ` from ${finding.actors.join(' and ')}` : '';
  return `${who} got direct licenses${by} since the waves were frozen (e.g. ${finding.sample.join(', ')}); they are in no wave yet. \`assign\` adds them to the licensing groups, then \`waves\` plans their removals.`;
}
