import type { ApprovalRequest } from './approvals';
import {
  newApproval,
  nextWaveToRequest,
  withApproval,
  withWave,
  type MigrationRecord,
  type StoredWave,
} from './migration-record';

/**
 * A wave's sign-off request: what its card says, when the next one opens, and which one is open now.
 * Pure: records in, records out.
 */

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

/** The open sign-off request of the next wave, if there is one: its card shows what holds it up. */
export function pendingWaveRequest(record: MigrationRecord): ApprovalRequest | null {
  const waiting = record.waves.find((w) => w.status === 'awaiting-approval');
  return (
    record.approvals.find((a) => a.id === waiting?.approvalId && a.status === 'pending') ?? null
  );
}
