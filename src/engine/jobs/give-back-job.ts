import type { ApprovalRequest } from '../../domain/approvals';
import {
  GIVE_BACK_RETRY,
  capitalize,
  giveBackRetryDelayMs,
  owedText,
  retryPromise,
} from '../../domain/give-back';
import type { MigrationRecord } from '../../domain/migration-record';
import { errorText } from '../../error-text';
import type { RollbackReport } from '../rollback-wave';
import { userNamesIn } from '../wave-contents';
import type { JobDependencies } from './job-dependencies';
import { runRestoreJob } from './restore-job';
import { runRollbackJob } from './rollback-job';

/** A give-back whose last pass left something owed, as the runner keeps it until the next pass. */
export interface OwedGiveBack {
  /** Passes that failed in a row. */
  readonly failedPasses: number;
  /** When the next pass is due (ms since the epoch). */
  readonly nextAt: number;
  /** Put back so far. */
  readonly putBack: number;
  /** What the channel was last told: it is told again only when that changes. */
  readonly told: string;
}

export interface GiveBack {
  readonly kind: 'restore' | 'rollback';
  readonly request: ApprovalRequest;
  readonly waveNumber: number;
  /** The give-back in words. */
  readonly label: string;
}

/**
 * One pass of a give-back (a restore or a rollback). Done, it is recorded and the channel told: null.
 * Otherwise what is still owed is tried again after a pause that grows (30 s doubling to 15 min), for
 * ever, until everyone is back or an admin pauses; the channel is told what is owed and why whenever
 * that changes. Never throws.
 */
export async function runGiveBackPass(
  deps: JobDependencies,
  record: MigrationRecord,
  work: GiveBack,
  earlier: OwedGiveBack | undefined
): Promise<OwedGiveBack | null> {
  const schedule = deps.retryMs
    ? { firstMs: deps.retryMs, maxMs: deps.retryMs * 30 }
    : GIVE_BACK_RETRY;
  const failedPasses = (earlier?.failedPasses ?? 0) + 1;
  const delay = giveBackRetryDelayMs(failedPasses, schedule);
  const nextAt = deps.now().getTime() + delay;
  let putBack = earlier?.putBack ?? 0;
  let text: string;
  let told: string;
  try {
    const report =
      work.kind === 'restore'
        ? await runRestoreJob(deps, work.request, work.waveNumber, putBack)
        : await runRollbackJob(deps, work.request, work.waveNumber);
    if (!report || report.failed.length === 0) return null;
    putBack += report.restored.length;
    const owed = owedOf(await namesInWave(deps, record, work.waveNumber), report);
    text = owedText(work.label, owed, putBack, delay);
    told = JSON.stringify(owed);
  } catch (error) {
    deps.log(
      `${work.label} failed (pass ${failedPasses}): ${error instanceof Error ? error.stack : String(error)}`
    );
    told = errorText(error);
    text = `${capitalize(work.label)} could not go on: ${told}. ${putBack > 0 ? `${putBack} put back so far stay back. ` : ''}${retryPromise(delay)}`;
  }
  if (told !== earlier?.told) await deps.notifier.notify({ kind: 'problem', text });
  return { failedPasses, nextAt, putBack, told };
}

/**
 * The wave's users' names, from its contents; none (ids stand in) when they cannot be read: a give-back
 * runs from the journal and must not wait for a name.
 */
async function namesInWave(
  deps: JobDependencies,
  record: MigrationRecord,
  waveNumber: number
): Promise<ReadonlyMap<string, string>> {
  const wave = record.waves.find((w) => w.number === waveNumber);
  return userNamesIn(deps.waveContents, wave ? [wave] : []).catch(() => new Map());
}

/** Who is still owed what, by user principal name where the wave knows it. */
function owedOf(names: ReadonlyMap<string, string>, report: RollbackReport) {
  return report.failed.map((f) => ({
    userPrincipalName: names.get(f.userId) ?? f.userId,
    reason: f.reason,
  }));
}
