import { assignGivenUp } from '../domain/assign-lifecycle';
import { capitalize, whatAFailedWaveLeaves } from '../domain/give-back';
import type { MigrationRecord } from '../domain/migration-record';
import { nextWork, type NextWork, type Work } from '../domain/next-work';
import { givesBack } from '../domain/stock-requests';
import { errorText } from '../error-text';
import { BackgroundStockTaking } from './background-stock';
import { runAssignJob } from './jobs/assign-job';
import { runExpireJob } from './jobs/expire-job';
import { runFollowUpJob } from './jobs/follow-up-job';
import { runGiveBackPass, type OwedGiveBack } from './jobs/give-back-job';
import type { JobDependencies } from './jobs/job-dependencies';
import { announceOpenRequests } from './jobs/sign-off-cards';
import { takeStock } from './jobs/take-stock';
import { runWaveJob } from './jobs/wave-job';
import { journalDecisionOnce } from './journal-decision';
import { updateRecord } from './update-record';
import { isLeaseLost } from './ports/write-fence';

export interface MigrationRunnerDependencies extends JobDependencies {
  /** How often to look for work approved through another instance, or left by one that died. */
  readonly pollMs?: number;
}

/** Attempts before the group assignment is given up. A wave never is, nor a give-back (rollback, restore). */
const GIVE_UP_AFTER = 5;

/**
 * Runs approved work in the background, one piece at a time: it asks the domain what runs next
 * (`nextWork`) and hands it to that kind's job (`jobs/`). Every piece starts from the stored record, so
 * after a restart `wake()` picks up where the last process stopped (a wave reconciles its in-flight
 * removals first). The runner keeps the lease, the wake-ups, the retries after a failure and the
 * schedule of give-back passes. The stock-taking a step ends with (a read of every user) runs beside
 * the work after it, so a released wave or a due follow-up does not wait for it.
 */
export class MigrationRunner {
  private running: Promise<void> | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The work in hand (what a failure is about), and how often each has failed in a row. */
  private inHand: Work | null = null;
  private readonly failures = new Map<string, number>();
  /** Give-backs (by approval id) whose last pass left something owed. */
  private readonly owed = new Map<string, OwedGiveBack>();
  /** Whether this process has shown the open sign-off requests since it took the lease. */
  private announced = false;

  private readonly stock: BackgroundStockTaking;
  /** What the jobs are given: the runner's ports, and stock taken beside the next work. */
  private readonly jobDeps: JobDependencies;

  constructor(private readonly deps: MigrationRunnerDependencies) {
    this.stock = new BackgroundStockTaking((request, overlapped) =>
      takeStock(deps, request, overlapped)
    );
    this.jobDeps = { ...deps, takeStockBeside: (request) => this.stock.ask(request) };
  }

  /** Looks for work now and then every `pollMs`. */
  start(): void {
    this.pollTimer = setInterval(() => this.wake(), this.deps.pollMs ?? 5_000);
    this.pollTimer.unref();
    this.wake();
  }

  /** There may be work: run it now, or right after the work in hand. */
  wake(): void {
    // While failed work waits to be retried, the poll must not retry it sooner (nor count attempts).
    if (this.stopped || this.retryTimer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when no work is running, nor stock-taking beside it (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    do {
      while (this.running) await this.running;
      await this.stock.idle();
    } while (this.running);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    // No new stock-taking starts; the one running ends before the lease is let go.
    const stock = this.stock.stop();
    await this.idle();
    await stock;
    await this.deps.lease.release();
  }

  private async loop(): Promise<void> {
    for (;;) {
      this.again = false;
      let worked: boolean;
      try {
        worked = await this.runNext();
        this.failures.clear();
      } catch (error) {
        await this.failed(error);
        this.retryLater();
        return;
      }
      if (!worked && !this.again) return;
    }
  }

  /** One piece of approved work; false when there is none. */
  private async runNext(): Promise<boolean> {
    this.inHand = null;
    if (this.stopped) return false;
    if (!this.deps.lease.held()) {
      if (!(await this.deps.lease.tryAcquire())) return false;
      // Newly the runner: requests another instance recorded may not have their cards yet.
      this.announced = false;
    }
    let { record } = await this.deps.store.read();
    let work = this.decide(record);
    // Expired first: what waited on a request that expired no longer runs (nor shows as open).
    while (work.kind === 'expire-requests') {
      await runExpireJob(this.deps);
      ({ record } = await this.deps.store.read());
      work = this.decide(record);
    }
    if (!this.announced) {
      this.announced = true;
      await announceOpenRequests(this.deps, record);
    }
    if (work.kind === 'nothing') return false;
    // A journal that cannot be read is not the assignment's failure (it would be given up for it).
    if (work.kind !== 'assign') this.inHand = work;
    await journalDecisionOnce(this.deps.journal, record, work.approvalId, this.deps.newId);
    this.inHand = work;
    await this.run(work, record);
    return true;
  }

  private decide(record: MigrationRecord): NextWork {
    const passDueAt = new Map([...this.owed].map(([id, owed]) => [id, owed.nextAt]));
    return nextWork(record, this.deps.now(), passDueAt);
  }

  /** Hands the work to its job. */
  private async run(work: Work, record: MigrationRecord): Promise<void> {
    const deps = this.jobDeps;
    if (work.kind === 'assign') return runAssignJob(deps, work.assign, () => this.stopped);
    if (work.kind === 'wave') return runWaveJob(deps, work.wave, record, () => this.stopped);
    if (work.kind === 'follow-up') return runFollowUpJob(deps, work.wave, record);
    if (givesBack(work)) {
      // Never waits for a read: the read beside it drops the warning it could make false.
      const done = this.stock.giveBackStarted();
      try {
        const owed = await runGiveBackPass(deps, record, work, this.owed.get(work.request.id));
        if (owed) this.owed.set(work.request.id, owed);
        else this.owed.delete(work.request.id);
      } finally {
        done();
      }
    }
  }

  /**
   * The work failed (Graph or storage unreachable, or refusing). It is tried again later; the channel is
   * told the first time, and the group assignment is given up after a few attempts rather than retried
   * for ever. A wave is never given up: it removes nothing while it cannot read.
   */
  private async failed(error: unknown): Promise<void> {
    const work = this.inHand;
    const label = work?.label ?? 'a migration step';
    // Not a failure: a write was held back because another instance holds the lease now; it goes on.
    if (isLeaseLost(error)) {
      this.deps.log(`${capitalize(label)} stopped here: ${errorText(error)}`);
      return;
    }
    const attempts = (this.failures.get(label) ?? 0) + 1;
    this.failures.set(label, attempts);
    this.deps.log(
      // The reason first: a stack alone hides the network cause behind `fetch failed`.
      `${label} failed (attempt ${attempts}): ${errorText(error)}${error instanceof Error ? `\n${error.stack}` : ''}`
    );
    const giveUp = attempts >= GIVE_UP_AFTER && work?.kind === 'assign';
    if (giveUp) await this.giveUpAssign(work.assign.approvalId, label);
    if (attempts === 1 || giveUp)
      await this.deps.notifier.notify({
        kind: 'problem',
        text: giveUp
          ? `Gave up on ${label} after ${attempts} attempts: ${errorText(error)}. Nothing more is tried until an admin asks again.`
          : `${capitalize(label)} failed and will be tried again: ${errorText(error)}. ${await this.whatStandsAfter(work)}`,
      });
  }

  private async giveUpAssign(approvalId: string, label: string): Promise<void> {
    try {
      await updateRecord(this.deps.store, (record) => ({
        record: assignGivenUp(record, approvalId),
        result: undefined,
      }));
    } catch (again) {
      this.deps.log(`Could not record giving up on ${label}: ${errorText(again)}`);
    }
  }

  /** What failed work leaves: for a wave, whether anyone waits for a license to be put back. */
  private async whatStandsAfter(work: Work | null): Promise<string> {
    if (work?.kind !== 'wave') return 'Nothing more is sent until it goes on.';
    try {
      const summary = await this.deps.journal.summary();
      return whatAFailedWaveLeaves(summary.awaitingPutBack(work.wave.digest));
    } catch {
      return whatAFailedWaveLeaves(null);
    }
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.wake();
    }, this.deps.retryMs ?? 30_000);
    this.retryTimer.unref();
  }
}
