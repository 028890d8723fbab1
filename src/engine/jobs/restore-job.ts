import type { ApprovalRequest } from '../../domain/approvals';
import { restoreMatches, restoreRecorded } from '../../domain/follow-up-lifecycle';
import { giveBackDone } from '../../domain/wave-lifecycle';
import { updateRecord } from '../update-record';
import { rollbackWave, type RollbackReport } from '../rollback-wave';
import type { JobDependencies } from './job-dependencies';
import { updatePendingWaveCard } from './sign-off-cards';

/**
 * Puts back, exactly, the removals a follow-up found missing, once an approver signed it off. Returns
 * the pass's report while something is still owed (the request stays open), null once done.
 */
export async function runRestoreJob(
  deps: JobDependencies,
  request: ApprovalRequest,
  waveNumber: number,
  putBackEarlier: number
): Promise<RollbackReport | null> {
  const { record } = await deps.store.read();
  const wave = record.waves.find((w) => w.number === waveNumber);
  // Exactly what was approved, or nothing: the set kept beside the request must match its digest.
  if (!wave || !restoreMatches(wave, request)) {
    deps.log(`The restore ${request.id} no longer matches wave ${waveNumber}; nothing was sent.`);
    await markDone(deps, request);
    return null;
  }
  const report = await rollbackWave(wave.digest, deps.directoryWriter, deps.journal, {
    now: deps.now,
    readBack: deps.readBack,
    only: new Set(wave.followUp?.restoreIntentIds ?? []),
    reason: `Put back after wave ${waveNumber}'s follow-up found it missing; approved by ${request.decidedBy?.name ?? 'an approver'}.`,
  });
  if (report.failed.length > 0) return report;
  const restored = putBackEarlier + report.restored.length;
  const stored = await updateRecord(deps.store, (current) => {
    const next = restoreRecorded(current, request, waveNumber, restored, deps.now());
    return { record: next, result: next };
  });
  await deps.notifier.notify({
    kind: 'follow-up-restored',
    waveNumber,
    restored,
    alreadyThere: Math.max(0, report.alreadyThere.length - putBackEarlier),
  });
  await updatePendingWaveCard(deps, stored);
  return null;
}

/** A give-back that no longer matches anything is owed no more. */
export function markDone(deps: JobDependencies, request: ApprovalRequest): Promise<void> {
  return updateRecord(deps.store, (stored) => ({
    record: giveBackDone(stored, request, deps.now()),
    result: undefined,
  }));
}
