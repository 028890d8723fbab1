import type { ApprovalRequest } from '../../domain/approvals';
import { approvalOf, type MigrationRecord } from '../../domain/migration-record';
import { approvalConditions, pendingWaveRequest } from '../../domain/sign-off-requests';
import type { JobDependencies } from './job-dependencies';

type CardDependencies = Pick<JobDependencies, 'notifier' | 'now'>;

/** A sign-off card updated in place (or posted, if it never went out) with what stands now. */
export function showCard(
  deps: CardDependencies,
  record: MigrationRecord,
  request: ApprovalRequest
): Promise<void> {
  return deps.notifier.notify({
    kind: 'approval-updated',
    request,
    conditions: approvalConditions(record, request, deps.now()),
  });
}

/** A new sign-off request's card, with what stands in its way now. */
export function postRequestCard(
  deps: CardDependencies,
  record: MigrationRecord,
  request: ApprovalRequest
): Promise<void> {
  return deps.notifier.notify({
    kind: 'approval-requested',
    request,
    conditions: approvalConditions(record, request, deps.now()),
  });
}

/** A released wave's sign-off card says when it runs (its window), or no longer once it is done. */
export async function updateWaveCard(
  deps: CardDependencies,
  record: MigrationRecord,
  waveNumber: number
): Promise<void> {
  const wave = record.waves.find((w) => w.number === waveNumber);
  const approval = wave && approvalOf(record, wave);
  if (approval?.window) await showCard(deps, record, approval);
}

/** The next wave's card shows what holds it up now. */
export async function updatePendingWaveCard(
  deps: CardDependencies,
  record: MigrationRecord
): Promise<void> {
  const pending = pendingWaveRequest(record);
  if (pending) await showCard(deps, record, pending);
}

/**
 * Open requests as they stand now, shown by a process that newly holds the lease: one whose card never
 * went out (a stop right after it was recorded) is posted.
 */
export async function announceOpenRequests(
  deps: CardDependencies,
  record: MigrationRecord
): Promise<void> {
  for (const request of record.approvals.filter((a) => a.status === 'pending'))
    await showCard(deps, record, request);
}
