import { isNotAutomation, type LicenseChangeEvent } from './automation';
import type { JournalEntry, RemovalOutcome } from './journal';
import type { UserLicenseSnapshot } from './licenses';
import { holdsDirectly } from './direct-assignment';

export type { WaveTally } from './journal-summary';

/**
 * The end of the migration: what every wave did, and a warning for each direct assignment the old
 * automation made again after its user's wave (the automation must now be switched to adding people to
 * the licensing groups instead, or it keeps undoing the migration).
 */

/** A direct assignment a wave removed and nothing has rolled back. */
export interface RemovedAssignment {
  readonly userId: string;
  readonly skuId: string;
  readonly waveNumber: number;
  readonly removedAt: string;
}

export interface ReassignmentWarning extends RemovedAssignment {
  readonly userPrincipalName: string;
  /** Who assigned it again, from the audit log; null when the audit log does not say (or cannot be read). */
  readonly actor: string | null;
  readonly reassignedAt: string | null;
}

type Intent = Extract<JournalEntry, { kind: 'removal-intended' }>;

/** Each intent with its latest outcome (a rollback's "restored" follows the wave's "removed"). */
function latestOutcomes(entries: readonly JournalEntry[]) {
  const intents = new Map<string, Intent>();
  const latest = new Map<string, { outcome: Exclude<RemovalOutcome, 'unknown'>; at: string }>();
  for (const entry of entries) {
    if (entry.kind === 'removal-intended') intents.set(entry.id, entry);
    // "Unknown, re-checking" settles nothing: the outcome before it (none) stands until a known one.
    if (entry.kind === 'removal-outcome' && entry.outcome !== 'unknown')
      latest.set(entry.intentId, { outcome: entry.outcome, at: entry.at });
  }
  return [...intents.values()].map((intent) => ({
    intent,
    outcome: latest.get(intent.id) ?? null,
  }));
}

/** The intents of one wave whose direct assignment is removed now (nothing put it back since). */
export function removedIntentsOf(entries: readonly JournalEntry[], waveDigest: string): Intent[] {
  return latestOutcomes(entries).flatMap(({ intent, outcome }) =>
    intent.waveDigest === waveDigest && outcome?.outcome === 'removed' ? [intent] : []
  );
}

export function removedAssignments(entries: readonly JournalEntry[]): RemovedAssignment[] {
  return latestOutcomes(entries).flatMap(({ intent, outcome }) =>
    outcome?.outcome === 'removed'
      ? [
          {
            userId: intent.userId,
            skuId: intent.skuId,
            waveNumber: intent.waveNumber,
            removedAt: outcome.at,
          },
        ]
      : []
  );
}

/**
 * Every removed direct assignment that is direct again now, with the audit event that most likely put it
 * back: the first license change on that user after the removal by someone other than group-based
 * licensing and this bot.
 */
export function reassignedAfterWaves(
  removed: readonly RemovedAssignment[],
  usersNow: ReadonlyMap<string, UserLicenseSnapshot>,
  events: readonly LicenseChangeEvent[],
  ignoreActors: readonly string[] = []
): ReassignmentWarning[] {
  const byUser = new Map<string, LicenseChangeEvent[]>();
  for (const event of events) {
    if (!event.targetUserId || isNotAutomation(event, ignoreActors)) continue;
    const key = event.targetUserId.toLowerCase();
    byUser.set(key, [...(byUser.get(key) ?? []), event]);
  }
  return removed.flatMap((assignment) => {
    const user = usersNow.get(assignment.userId.toLowerCase());
    const directAgain = user && holdsDirectly(user, assignment.skuId);
    if (!user || !directAgain) return [];
    const after = (byUser.get(assignment.userId.toLowerCase()) ?? [])
      .filter((e) => Date.parse(e.at) > Date.parse(assignment.removedAt))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
    return [
      {
        ...assignment,
        userPrincipalName: user.userPrincipalName,
        actor: after?.actor ?? null,
        reassignedAt: after?.at ?? null,
      },
    ];
  });
}

export function describeReassignment(warning: ReassignmentWarning, product: string): string {
  const who = warning.actor
    ? `${warning.actor} assigned it directly again at ${warning.reassignedAt}`
    : 'it is assigned directly again (the audit log does not say by whom)';
  return `${warning.userPrincipalName}: ${product} was removed in wave ${warning.waveNumber}, but ${who}. Change the automation to add new users to the licensing group instead, then include them in a new wave.`;
}
