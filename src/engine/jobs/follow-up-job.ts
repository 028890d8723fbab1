import { followUpRecorded } from '../../domain/follow-up-lifecycle';
import { waveBlocker, type MigrationRecord, type StoredWave } from '../../domain/migration-record';
import { lastCountedUsers } from '../../domain/progress-point';
import { pendingWaveRequest } from '../../domain/sign-off-requests';
import { followUpPointWorthTaking } from '../../domain/stock-requests';
import { followUpWave } from '../follow-up-wave';
import { updateRecord } from '../update-record';
import { userNamesIn } from '../wave-contents';
import type { JobDependencies } from './job-dependencies';
import { postRequestCard, updatePendingWaveCard } from './sign-off-cards';
import { takeStockAfter } from './take-stock';

/** Follow-up findings named in the channel; the record keeps more, the report has them all. */
const NOTABLE_ROWS = 10;

/**
 * The follow-up after the soak period: what the wave removed is checked on fresh reads. Clean, the
 * next wave may be released; otherwise the channel is told who lacks what and why, and anything
 * missing is put back only once an approver signs off.
 */
export async function runFollowUpJob(
  deps: JobDependencies,
  wave: StoredWave,
  record: MigrationRecord
): Promise<void> {
  const report = await followUpWave(wave, deps.reader, deps.directoryWriter, deps.journal, {
    readBack: deps.readBack,
    assign: record.assign,
    tenantUsers: lastCountedUsers(record),
    // Its contents name the users Graph could not read: read only then, not held through the check.
    namesOf: (userIds) => userNamesIn(deps.waveContents, [wave], (id) => userIds.has(id)),
  });
  const at = deps.now();
  const outcome = await updateRecord(deps.store, (stored) => {
    const next = followUpRecorded(stored, wave.number, report, {
      at,
      approvalTtlMs: deps.approvalTtlMs,
      newId: deps.newId,
    });
    return { record: next?.record ?? stored, result: next };
  });
  if (!outcome) return;
  const pending = pendingWaveRequest(outcome.record);
  const nextWave = pending?.subject.kind === 'wave' ? pending.subject.waveNumber : null;
  await deps.notifier.notify({
    kind: 'follow-up-finished',
    waveNumber: wave.number,
    checked: report.checked,
    usersGone: report.usersGone,
    problems: report.findings.length,
    findings: report.findings.slice(0, NOTABLE_ROWS),
    restoreRequested: outcome.request !== null,
    nextWave,
    nextWaveHeldBy: nextWave === null ? null : waveBlocker(outcome.record, nextWave),
    releasedBefore:
      outcome.record.waves.find(
        (w) => w.number > wave.number && ['approved', 'running', 'paused'].includes(w.status)
      )?.number ?? null,
  });
  if (outcome.request)
    await deps.notifier.notify({ kind: 'approval-requested', request: outcome.request });
  if (outcome.reopened) await postRequestCard(deps, outcome.record, outcome.reopened);
  else await updatePendingWaveCard(deps, outcome.record);
  if (followUpPointWorthTaking(wave.finishedAt, deps.now()))
    await takeStockAfter(deps, {
      label: `wave ${wave.number} follow-up`,
      since: null,
      throughWave: null,
    });
}
