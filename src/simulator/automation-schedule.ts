import { parseDuration } from './duration';

/**
 * When the tenant's old license script runs, in simulated time: nightly at a UTC time (as such scripts
 * are scheduled), or every so many simulated milliseconds (tests).
 */
export type AutomationSchedule =
  | { readonly kind: 'daily'; readonly atUtc: string }
  | { readonly kind: 'every'; readonly ms: number };

/** The demo's script: nightly at 02:00 UTC. */
export const NIGHTLY: AutomationSchedule = { kind: 'daily', atUtc: '02:00' };

/** "02:00" (daily, UTC) or "every 10m" (any duration the simulator takes). */
export function parseAutomationSchedule(text: string): AutomationSchedule {
  const trimmed = text.trim();
  const daily = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(trimmed);
  if (daily) return { kind: 'daily', atUtc: trimmed };
  const every = /^every\s+(.+)$/i.exec(trimmed);
  if (every) {
    const ms = parseDuration(every[1]);
    if (ms > 0) return { kind: 'every', ms };
  }
  throw new Error(
    `A schedule is a UTC time of day (02:00) or "every <duration>" (every 10m) (got "${text}").`
  );
}

/** The first run strictly after `after`. */
export function nextRunAt(schedule: AutomationSchedule, after: Date): Date {
  if (schedule.kind === 'every') return new Date(after.getTime() + schedule.ms);
  const [hours, minutes] = schedule.atUtc.split(':').map(Number);
  const today = Date.UTC(
    after.getUTCFullYear(),
    after.getUTCMonth(),
    after.getUTCDate(),
    hours,
    minutes
  );
  return new Date(today > after.getTime() ? today : today + 86_400_000);
}
