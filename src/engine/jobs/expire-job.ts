import { expireDue } from '../../domain/migration-record';
import { updateRecord } from '../update-record';
import type { JobDependencies } from './job-dependencies';

/** Requests whose time passed: recorded as expired, and their cards say so. */
export async function runExpireJob(deps: JobDependencies): Promise<void> {
  const expired = await updateRecord(deps.store, (record) => {
    const next = expireDue(record, deps.now());
    return {
      record: next,
      result: next.approvals.filter(
        (a, i) => a.status === 'expired' && record.approvals[i]?.status === 'pending'
      ),
    };
  });
  for (const request of expired) await deps.notifier.notify({ kind: 'approval-expired', request });
}
