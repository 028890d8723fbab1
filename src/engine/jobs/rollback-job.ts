import type { ApprovalRequest } from '../../domain/approvals';
import { waveRolledBack } from '../../domain/wave-lifecycle';
import { updateRecord } from '../update-record';
import { rollbackWave, type RollbackReport } from '../rollback-wave';
import type { JobDependencies } from './job-dependencies';
import { markDone } from './restore-job';

/**
 * Puts back everything wave N removed, after settling its removals left in flight. Returns the pass's
 * report while something is still owed (the request stays open), null once done.
 */
export async function runRollbackJob(
  deps: JobDependencies,
  request: ApprovalRequest,
  waveNumber: number
): Promise<RollbackReport | null> {
  const { record } = await deps.store.read();
  const wave = record.waves.find((w) => w.number === waveNumber);
  if (!wave) {
    await markDone(deps, request);
    return null;
  }
  const report = await rollbackWave(wave.digest, deps.directoryWriter, deps.journal, {
    now: deps.now,
    readBack: deps.readBack,
  });
  if (report.failed.length > 0) return report;
  await updateRecord(deps.store, (stored) => ({
    record: waveRolledBack(stored, request, waveNumber, deps.now()),
    result: undefined,
  }));
  await deps.notifier.notify({
    kind: 'rollback-finished',
    waveNumber,
    restored: report.restored.length + report.alreadyThere.length,
    failed: 0,
  });
  return null;
}
