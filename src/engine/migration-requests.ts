import type { ApprovalRequest } from '../domain/approvals';
import { waveBlocker, waveSchedule, type MigrationRecord } from '../domain/migration-record';
import type { ApprovalConditions } from './notifier';

// The wave sign-off rules are pure and live in the domain; engine callers import them from here too.
export { nextWaveRequest, pendingWaveRequest, waveRequestSummary } from '../domain/wave-requests';

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
