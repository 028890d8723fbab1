import type { ApprovalRequest } from '../domain/approvals';
import {
  newApproval,
  nextWaveToRequest,
  waveBlocker,
  waveSchedule,
  withApproval,
  withWave,
  type MigrationRecord,
  type StoredWave,
} from '../domain/migration-record';
import type { ApprovalConditions } from './notifier';

/** Per SKU, the licensing groups the approved plan assigns it through: the groups verification counts. */
export function intendedGroupsOf(
  record: MigrationRecord
): ReadonlyMap<string, ReadonlySet<string>> | undefined {
  const ids = record.assign?.groupIds;
  if (!record.assign || !ids || record.assign.status !== 'completed') return undefined;
  const intended = new Map<string, Set<string>>();
  for (const group of record.assign.groups) {
    const id = ids[group.displayName];
    if (!id) continue;
    const sku = group.skuId.toLowerCase();
    intended.set(sku, new Set([...(intended.get(sku) ?? []), id]));
  }
  return intended;
}

const SAMPLE = 5;

/** What a wave's sign-off card says will change. */
export function waveRequestSummary(wave: StoredWave, record: MigrationRecord): string[] {
  const users = [...new Set(wave.entries.map((e) => e.userPrincipalName))];
  const later = record.waves.filter((w) => w.number > wave.number);
  return [
    `Remove ${wave.entries.length} direct license assignments from ${wave.userCount} users; their group licenses stay.`,
    `For example: ${users.slice(0, SAMPLE).join(', ')}${users.length > SAMPLE ? `, and ${users.length - SAMPLE} more` : ''}.`,
    'Each user is checked again on fresh data just before the removal; anyone who would lose anything is skipped, and anyone who loses something is given the direct assignment back at once.',
    later.length > 0
      ? `After this wave: ${later.length} more (${later.map((w) => w.userCount).join(', ')} users), each with its own sign-off.`
      : 'This is the last wave proposed.',
  ];
}

/**
 * Opens the sign-off request for the next wave when its turn has come (the ones before it finished),
 * requested in the name of whoever proposed the waves, so that person cannot approve it.
 */
export function nextWaveRequest(
  record: MigrationRecord,
  now: Date,
  ttlMs: number,
  newId: () => string
): { record: MigrationRecord; request: ApprovalRequest | null } {
  const wave = nextWaveToRequest(record);
  if (!wave) return { record, request: null };
  // A card held up by the previous wave's follow-up stays open for a full period after it is due.
  const soakingUntil = record.waves
    .filter((w) => w.number < wave.number && w.followUp?.status === 'waiting')
    .reduce((latest, w) => Math.max(latest, Date.parse(w.followUp?.dueAt ?? '')), now.getTime());
  const request = newApproval(
    newId(),
    { kind: 'wave', waveNumber: wave.number, digest: wave.digest },
    waveRequestSummary(wave, record),
    wave.proposedBy,
    now,
    soakingUntil - now.getTime() + ttlMs
  );
  const next = withWave(withApproval(record, request), wave.number, (w) => ({
    ...w,
    status: 'awaiting-approval',
    approvalId: request.id,
  }));
  return { record: next, request };
}

/** What stands between a request and its work now: a previous follow-up not clean, a release window. */
export function approvalConditions(
  record: MigrationRecord,
  request: ApprovalRequest,
  now: Date
): ApprovalConditions {
  const subject = request.subject;
  if (subject.kind !== 'wave') return { blockedBecause: null, schedule: null };
  const wave = record.waves.find((w) => w.number === subject.waveNumber);
  return {
    blockedBecause:
      request.status === 'pending' && wave ? waveBlocker(record, subject.waveNumber) : null,
    schedule: wave && wave.approvalId === request.id ? waveSchedule(record, wave, now) : null,
  };
}

/** The open sign-off request of the next wave, if there is one: its card shows what holds it up. */
export function pendingWaveRequest(record: MigrationRecord): ApprovalRequest | null {
  const waiting = record.waves.find((w) => w.status === 'awaiting-approval');
  return (
    record.approvals.find((a) => a.id === waiting?.approvalId && a.status === 'pending') ?? null
  );
}
