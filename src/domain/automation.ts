/**
 * Finding the existing license automation in the audit log: who keeps assigning licenses directly, and
 * how often. It must keep running until the removal waves are done (new joiners still need licenses).
 */

export interface LicenseChangeEvent {
  readonly at: string;
  /** The app's display name or the user's UPN that made the change. */
  readonly actor: string;
  readonly actorKind: 'app' | 'user';
  /** The user whose licenses changed, when the audit entry names one. */
  readonly targetUserId?: string;
  /** The change was made by this bot's own app (its appId in the audit entry). */
  readonly byThisApp?: boolean;
}

export interface AutomationFinding {
  readonly actor: string;
  readonly actorKind: 'app' | 'user';
  readonly changes: number;
  readonly daysActive: number;
  readonly lastSeen: string;
  /** Typical days between active days (median), or null when seen on a single day. */
  readonly everyDays: number | null;
}

/**
 * Group-based licensing itself, under each name it has had: "Microsoft Entra group-Based Licensing"
 * today (licensing-group-advanced), "Microsoft Azure AD Group-Based Licensing" in older tenants.
 */
export function isGroupBasedLicensing(actor: string): boolean {
  return /^microsoft (entra( id)?|azure ad) group-based licensing$/i.test(actor.trim());
}

/** Changes that are not the tenant's automation: group-based licensing, this bot, and actors to ignore. */
export function isNotAutomation(
  event: LicenseChangeEvent,
  ignore: readonly string[] = []
): boolean {
  return (
    event.byThisApp === true ||
    isGroupBasedLicensing(event.actor) ||
    ignore.some((actor) => actor.toLowerCase() === event.actor.toLowerCase())
  );
}

export function findLicenseAutomation(
  events: readonly LicenseChangeEvent[],
  ignore: readonly string[] = []
): AutomationFinding[] {
  const byActor = new Map<
    string,
    { kind: 'app' | 'user'; days: Set<string>; changes: number; last: string }
  >();
  for (const event of events) {
    if (isNotAutomation(event, ignore)) continue;
    const entry = byActor.get(event.actor) ?? {
      kind: event.actorKind,
      days: new Set<string>(),
      changes: 0,
      last: '',
    };
    entry.days.add(event.at.slice(0, 10));
    entry.changes++;
    if (event.at > entry.last) entry.last = event.at;
    byActor.set(event.actor, entry);
  }
  return [...byActor]
    .map(([actor, e]) => {
      const days = [...e.days].sort().map((d) => Date.parse(`${d}T00:00:00Z`) / 86_400_000);
      const gaps = days
        .slice(1)
        .map((d, i) => d - days[i])
        .sort((a, b) => a - b);
      return {
        actor,
        actorKind: e.kind,
        changes: e.changes,
        daysActive: days.length,
        lastSeen: e.last,
        everyDays: gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)] : null,
      };
    })
    .sort((a, b) => b.changes - a.changes);
}

/** One sentence for the admin. */
export function describeAutomation(finding: AutomationFinding): string {
  const often =
    finding.everyDays === null
      ? 'once'
      : finding.everyDays <= 1
        ? 'about daily'
        : `about every ${finding.everyDays} days`;
  return `${finding.actor} assigned licenses directly ${finding.changes} times on ${finding.daysActive} day(s), ${often}, last ${finding.lastSeen.slice(0, 10)}: keep it running until the removal waves are done.`;
}
