import {
  approvalOf,
  waveSchedule,
  type MigrationRecord,
  type StoredWave,
  type WaveResult,
} from '../../domain/migration-record';
import { windowAt } from '../../domain/release-window';
import type { RemovalContext } from '../../domain/removal-safety';
import {
  waveFinished,
  waveStarted,
  waveStoppedByPause,
  waveWaitsForWindow,
} from '../../domain/wave-lifecycle';
import { executeWave } from '../execute-wave';
import { intendedGroupsOf } from '../../domain/intended-groups';
import { dynamicLicensingGroups } from '../../domain/rule-drift';
import { updateRecord } from '../update-record';
import { withContents } from '../wave-contents';
import { WaveContentsError } from '../ports/wave-contents';
import type { WaveReport } from '../wave-run';
import type { Wave } from '../../domain/waves';
import type { JobDependencies } from './job-dependencies';
import { postRequestCard, updateWaveCard } from './sign-off-cards';
import { takeStockAfter } from './take-stock';

const LOST_LEASE = 'This instance no longer runs the waves; another instance goes on.';
/** Users named in a wave's closing notice; the report lists them all. */
const NOTABLE_ROWS = 10;

/** Why this run of the wave stopped before its end, when something outside it stopped it. */
type StopCause = 'lease' | 'paused' | 'window';

/**
 * A released wave: started (or resumed), its direct assignments removed user by user, and its outcome
 * recorded: finished with the next wave's card opened, or waiting for its next window, or paused.
 * `stopping` says this process is shutting down: like a lost lease, another run goes on.
 */
export async function runWaveJob(
  deps: JobDependencies,
  wave: StoredWave,
  record: MigrationRecord,
  stopping: () => boolean
): Promise<void> {
  const frozen = await contentsOrStop(deps, wave);
  if (!frozen) return;
  const startedAt = wave.startedAt ?? deps.now().toISOString();
  if (wave.status !== 'running') await startWave(deps, wave, record, startedAt);
  const { report, stopCause } = await removeDirectAssignments(deps, frozen, record, stopping);
  // Another instance holds the wave now (or this one is shutting down): it records the outcome.
  if (stopCause === 'lease' || report.leaseLost) return;
  // A read back failed: removals are unsettled, so the wave stays running and is tried again.
  if (report.retryable) throw new Error(report.stoppedBecause ?? 'a read back failed');
  const result = await resultOf(deps, wave, report.stoppedBecause);
  if (stopCause === 'window') return waitForNextWindow(deps, wave, result);
  if (stopCause === 'paused') {
    await updateRecord(deps.store, (stored) => ({
      record: waveStoppedByPause(stored, wave.number, result),
      result: undefined,
    }));
    return;
  }
  await finishWave(deps, wave, result, report);
  await takeStockAfter(deps, {
    label: `after wave ${wave.number}`,
    since: startedAt,
    throughWave: wave.number,
  });
}

/**
 * The wave's exact contents, read (and checked against its digest) before anything starts. Contents that
 * are missing or not what its approval names stop the wave, saying why, with nothing removed; null then.
 */
async function contentsOrStop(
  deps: JobDependencies,
  wave: StoredWave
): Promise<(StoredWave & Wave) | null> {
  try {
    return await withContents(deps.waveContents, wave);
  } catch (error) {
    if (!(error instanceof WaveContentsError)) throw error;
    deps.log(error.message);
    const result = await resultOf(deps, wave, error.message);
    await finishWave(deps, wave, result, {
      ...NOTHING_RUN,
      waveNumber: wave.number,
      stoppedBecause: error.message,
    });
    return null;
  }
}

/** A run of a wave that did not start. */
const NOTHING_RUN: WaveReport = {
  waveNumber: 0,
  counts: { removed: 0, skipped: 0, restored: 0, failed: 0 },
  removed: [],
  skipped: [],
  restored: [],
  failed: [],
  stoppedBecause: null,
  dryRun: false,
  retryable: false,
  leaseLost: false,
};

async function startWave(
  deps: JobDependencies,
  wave: StoredWave,
  record: MigrationRecord,
  startedAt: string
): Promise<void> {
  await updateRecord(deps.store, (stored) => ({
    record: waveStarted(stored, wave.number, startedAt),
    result: undefined,
  }));
  await deps.notifier.notify({
    kind: 'wave-started',
    waveNumber: wave.number,
    users: wave.userCount,
    resumed: wave.startedAt !== undefined,
    schedule: waveSchedule(record, wave, deps.now()),
  });
  await updateWaveCard(deps, record, wave.number);
}

/**
 * Runs the removals until the end, or until the lease is lost, the window closes (after the users in
 * hand; it goes on in the next window) or an admin pauses. Progress adds this run's outcomes to what
 * earlier runs of the wave (before a restart) settled.
 */
async function removeDirectAssignments(
  deps: JobDependencies,
  wave: StoredWave & Wave,
  record: MigrationRecord,
  stopping: () => boolean
): Promise<{ report: WaveReport; stopCause: StopCause | null }> {
  const window = approvalOf(record, wave)?.window;
  const context = await removalContext(deps, record);
  const earlier = await resultOf(deps, wave);
  const stop: { cause: StopCause | null } = { cause: null };
  const report = await executeWave(wave, context, deps.directoryWriter, deps.journal, {
    now: deps.now,
    readBack: deps.readBack,
    mayWrite: () => {
      if (deps.lease.held() && !stopping()) return true;
      stop.cause = 'lease';
      return false;
    },
    shouldStop: async () => {
      if (!deps.lease.held() || stopping()) {
        stop.cause = 'lease';
        return LOST_LEASE;
      }
      if (window && !windowAt(window, deps.now()).open) {
        stop.cause = 'window';
        return `Its release window (${window.text}) closed.`;
      }
      const paused = (await deps.store.read()).record.paused;
      if (!paused) return null;
      stop.cause = 'paused';
      return `Paused by ${paused.by.name}.`;
    },
    onProgress: (progress, done, total) =>
      deps.notifier.notify({
        kind: 'wave-progress',
        waveNumber: wave.number,
        done,
        total,
        result: {
          removed: earlier.removed + progress.counts.removed,
          skipped: earlier.skipped + progress.counts.skipped,
          restored: earlier.restored + progress.counts.restored,
          failed: earlier.failed + progress.counts.failed,
          stoppedBecause: progress.stoppedBecause,
        },
      }),
  });
  return { report, stopCause: stop.cause };
}

async function removalContext(
  deps: JobDependencies,
  record: MigrationRecord
): Promise<RemovalContext> {
  return {
    skus: new Map((await deps.reader.subscribedSkus()).map((s) => [s.skuId.toLowerCase(), s])),
    groupNames: await deps.reader.licensingGroupNames(),
    intendedGroups: intendedGroupsOf(record),
    // A path through a dynamic group counts only while the user still matches its rule.
    dynamicGroups: dynamicLicensingGroups(record.assign),
  };
}

async function waitForNextWindow(
  deps: JobDependencies,
  wave: StoredWave,
  result: WaveResult
): Promise<void> {
  const stored = await updateRecord(deps.store, (current) => {
    const next = waveWaitsForWindow(current, wave.number, result);
    return { record: next, result: next };
  });
  const waiting = stored.waves.find((w) => w.number === wave.number) ?? wave;
  await deps.notifier.notify({
    kind: 'wave-window-closed',
    waveNumber: wave.number,
    result,
    schedule: waveSchedule(stored, waiting, deps.now()) ?? '',
  });
  await updateWaveCard(deps, stored, wave.number);
}

/** Finished (or stopped), and the next wave's sign-off opened, in one write; then the channel told. */
async function finishWave(
  deps: JobDependencies,
  wave: StoredWave,
  result: WaveResult,
  report: WaveReport
): Promise<void> {
  const finished = await updateRecord(deps.store, (stored) => {
    const next = waveFinished(stored, wave.number, {
      result,
      completed: report.stoppedBecause === null,
      at: deps.now(),
      followUpAfterMs: deps.followUpAfterMs,
      approvalTtlMs: deps.approvalTtlMs,
      newId: deps.newId,
    });
    return { record: next.record, result: next };
  });
  await deps.notifier.notify({
    kind: 'wave-finished',
    waveNumber: wave.number,
    result,
    notable: [
      ...report.restored.map((i) => ({ ...i, outcome: 'restored' as const })),
      ...report.failed.map((i) => ({ ...i, outcome: 'failed' as const })),
      ...report.skipped.map((i) => ({ ...i, outcome: 'skipped' as const })),
    ]
      .slice(0, NOTABLE_ROWS)
      .map(({ userPrincipalName, outcome, reason }) => ({ userPrincipalName, outcome, reason })),
  });
  await updateWaveCard(deps, finished.record, wave.number);
  if (finished.request) await postRequestCard(deps, finished.record, finished.request);
}

/** The wave's outcome so far, from the journal (it spans every run of the wave, before a crash too). */
async function resultOf(
  deps: JobDependencies,
  wave: StoredWave,
  stoppedBecause: string | null = null
): Promise<WaveResult> {
  const tally = (await deps.journal.summary())
    .waveTallies()
    .find((t) => t.waveDigest === wave.digest);
  return {
    removed: tally?.removed ?? 0,
    skipped: tally?.skipped ?? 0,
    restored: tally?.restored ?? 0,
    failed: tally?.failed ?? 0,
    stoppedBecause,
  };
}
