import { isNotAutomation } from '../domain/automation';
import { joinersSinceWaves, type JoinersFinding } from '../domain/joiners';
import type { UserLicenseSnapshot } from '../domain/licenses';
import type { MigrationRecord } from '../domain/migration-record';
import type { TenantReader } from './tenant-reader';

/** When the waves were frozen: the first wave's sign-off request; null before there are waves. */
export function wavesFrozenAt(record: MigrationRecord): string | null {
  const asked = record.approvals
    .filter((a) => a.subject.kind === 'wave')
    .map((a) => a.requestedAt)
    .sort();
  return asked[0] ?? null;
}

/**
 * Reads who the old automation licensed since the waves were frozen (the audit log) and the users as
 * they are (the ground truth: a joiner still holds a direct license and is enabled). Changes nothing.
 * The audit log lags minutes behind, so the newest joiners show at the next check.
 */
export async function findJoiners(
  reader: TenantReader,
  record: MigrationRecord,
  options: { ignoreActors?: readonly string[] } = {}
): Promise<JoinersFinding> {
  const frozenAt = wavesFrozenAt(record);
  if (!frozenAt) return { count: 0, actors: [], sample: [] };
  const events = await reader.licenseChangeEvents(new Date(frozenAt));
  const waveUsers = new Set(
    record.waves.flatMap((w) => w.entries.map((e) => e.userId.toLowerCase()))
  );
  // Users only the automation touched and no wave holds: the only ones worth reading.
  const targets = new Set(
    events.flatMap((e) =>
      e.targetUserId && !waveUsers.has(e.targetUserId) && !isNotAutomation(e, options.ignoreActors)
        ? [e.targetUserId]
        : []
    )
  );
  if (targets.size === 0) return { count: 0, actors: [], sample: [] };
  // Only the users the audit names are kept, so a large tenant is not held in memory.
  const users: UserLicenseSnapshot[] = [];
  await reader.forEachUser((user) => {
    if (targets.has(user.id.toLowerCase())) users.push(user);
  });
  return joinersSinceWaves(users, waveUsers, events, frozenAt, options.ignoreActors);
}
