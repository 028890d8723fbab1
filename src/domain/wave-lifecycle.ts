import type { ApprovalRequest } from './approvals';
import { withApproval, withWave, type MigrationRecord, type WaveResult } from './migration-record';
import { nextWaveRequest } from './sign-off-requests';

/**
 * A wave's record as it runs, stops, finishes or is rolled back, and a give-back's request once done.
 * Pure: records in, records out.
 */

/** The wave runs (again, after a window closed, a pause or a restart: its first start is kept). */
export function waveStarted(
  record: MigrationRecord,
  number: number,
  startedAt: string
): MigrationRecord {
  return withWave(record, number, (w) => ({ ...w, status: 'running', startedAt }));
}

/** Its release window closed: approved again, it goes on in the next window. */
export function waveWaitsForWindow(
  record: MigrationRecord,
  number: number,
  result: WaveResult
): MigrationRecord {
  return withWave(record, number, (w) => ({ ...w, status: 'approved', result }));
}

/** Stopped by `pause`; resumed while it was stopping, it goes on at the next step. */
export function waveStoppedByPause(
  record: MigrationRecord,
  number: number,
  result: WaveResult
): MigrationRecord {
  return withWave(record, number, (w) => ({
    ...w,
    status: record.paused ? 'paused' : 'approved',
    result,
  }));
}

export interface WaveEnd {
  readonly result: WaveResult;
  /** Every user settled; otherwise it stopped (and waits for people). */
  readonly completed: boolean;
  readonly at: Date;
  /** The soak period before its follow-up. */
  readonly followUpAfterMs: number;
  readonly approvalTtlMs: number;
  readonly newId: () => string;
}

/**
 * Finished (or stopped) and, once completed, the next wave's sign-off opened, in one record: nothing is
 * left half-done. What it removed is checked again after the soak period; the next wave waits for that.
 */
export function waveFinished(
  record: MigrationRecord,
  number: number,
  end: WaveEnd
): { record: MigrationRecord; request: ApprovalRequest | null } {
  const { result, completed, at } = end;
  const marked = withWave(record, number, (w) => ({
    ...w,
    status: completed ? 'completed' : 'stopped',
    result,
    finishedAt: at.toISOString(),
    ...(result.removed > 0
      ? {
          followUp: {
            dueAt: new Date(at.getTime() + end.followUpAfterMs).toISOString(),
            status: 'waiting' as const,
          },
        }
      : {}),
  }));
  if (!completed) return { record: marked, request: null };
  return nextWaveRequest(marked, at, end.approvalTtlMs, end.newId);
}

/** A give-back's request carried out (or no longer matching anything): it is owed no more. */
export function giveBackDone(
  record: MigrationRecord,
  request: ApprovalRequest,
  at: Date
): MigrationRecord {
  return withApproval(record, { ...request, doneAt: at.toISOString() });
}

/** Everything the wave removed is back: the rollback is done and the wave rolled back. */
export function waveRolledBack(
  record: MigrationRecord,
  request: ApprovalRequest,
  number: number,
  at: Date
): MigrationRecord {
  return withWave(giveBackDone(record, request, at), number, (w) => ({
    ...w,
    status: 'rolled-back',
  }));
}
