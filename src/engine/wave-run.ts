import { randomUUID } from 'node:crypto';
import type { JournalEntry, RemovalOutcome } from '../domain/journal';
import type { Journal } from './ports/journal';
import type { RemovalContext } from '../domain/removal-safety';
import type { Wave, WaveEntry } from '../domain/waves';
import type { DirectoryWriter } from './ports/directory-writer';
import type { ReadBackOptions } from './read-until-fresh';
import type { Intent } from './removal-settlement';

export interface WaveItem {
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  readonly reason: string;
}

/** Removed and skipped items the report keeps, the first of each: its counts hold them all. */
export const WAVE_REPORT_SAMPLE = 1_000;

/** The items of each outcome this run handled, every one counted. */
export interface WaveCounts {
  removed: number;
  skipped: number;
  restored: number;
  failed: number;
}

export interface WaveReport {
  readonly waveNumber: number;
  /** Every item of each outcome, counted; the lists below may keep only the first. */
  readonly counts: WaveCounts;
  /**
   * The first `WAVE_REPORT_SAMPLE` removed and skipped: a big wave's would grow with it, and nothing
   * shows more than the first few (the journal holds each).
   */
  readonly removed: WaveItem[];
  readonly skipped: WaveItem[];
  /** Every one: what an admin must see (each stops the wave, or counts toward its failure threshold). */
  readonly restored: WaveItem[];
  readonly failed: WaveItem[];
  /** Why the wave stopped before its end, or null if it ran through. */
  stoppedBecause: string | null;
  /** A dry run: `removed` is what would be removed now (`counts.removed` all of it); nothing was sent. */
  readonly dryRun: boolean;
  /** The stop left removals unsettled (a read back failed): run the wave again once Graph answers. */
  retryable: boolean;
  /**
   * This instance lost the runner lease: what was in hand was not sent (or its answer is unknown) and
   * stays in flight, for the instance that holds the lease to settle from fresh reads.
   */
  leaseLost: boolean;
}

export const LEASE_LOST = 'This instance may no longer write; another goes on.';

export interface WaveRunSettings {
  readonly now: () => Date;
  readonly readBack: ReadBackOptions;
  readonly dryRun: boolean;
  readonly failureThreshold: number;
  readonly mayWrite?: () => boolean;
}

/**
 * What the round trips of one run of a wave share: the report, the outcomes not yet journaled, the
 * failure count, and whether the wave must start and send nothing more (a stop, a loss, an error).
 */
export class WaveRun {
  readonly report: WaveReport;
  private readonly outcomes: JournalEntry[] = [];
  private failedUsers = 0;
  private errorSeen = false;

  constructor(
    readonly wave: Wave,
    readonly context: RemovalContext,
    readonly writer: DirectoryWriter,
    readonly journal: Journal,
    readonly settings: WaveRunSettings
  ) {
    this.report = {
      waveNumber: wave.number,
      counts: { removed: 0, skipped: 0, restored: 0, failed: 0 },
      removed: [],
      skipped: [],
      restored: [],
      failed: [],
      stoppedBecause: null,
      dryRun: settings.dryRun,
      retryable: false,
      leaseLost: false,
    };
  }

  halted(): boolean {
    return this.report.stoppedBecause !== null || this.errorSeen;
  }

  stop(reason: string): void {
    this.report.stoppedBecause ??= reason;
  }

  /** A round trip threw (Graph or storage unavailable): the others send nothing more. */
  failed(): void {
    this.errorSeen = true;
  }

  /** A loss outranks any other reason: it is what the admin must read. */
  stopAfterLoss(reason: string): void {
    this.report.stoppedBecause = reason;
  }

  loseLease(): void {
    this.stop(LEASE_LOST);
    this.report.leaseLost = true;
  }

  countFailure(): void {
    const threshold = this.settings.failureThreshold;
    if (++this.failedUsers > threshold)
      this.stop(`More than ${threshold} users failed; the wave stopped.`);
  }

  /** Items of one outcome, counted; removed and skipped kept only up to the sample. */
  record(outcome: keyof WaveCounts, items: readonly WaveItem[]): void {
    this.report.counts[outcome] += items.length;
    const list = this.report[outcome];
    const sampled = outcome === 'removed' || outcome === 'skipped';
    const room = sampled ? Math.max(0, WAVE_REPORT_SAMPLE - list.length) : items.length;
    for (const item of items.slice(0, room)) list.push(item);
  }

  item(userId: string, entry: WaveEntry, reason: string): WaveItem {
    return { userId, userPrincipalName: entry.userPrincipalName, skuId: entry.skuId, reason };
  }

  /**
   * Outcomes are journaled together at the end of each round trip (one write, not twenty). One that is
   * lost to a crash leaves its intent in flight, which the next run settles from a fresh read.
   */
  readonly settle = async (intent: Intent, outcome: RemovalOutcome, reason: string) => {
    this.outcomes.push({
      kind: 'removal-outcome',
      id: randomUUID(),
      at: this.settings.now().toISOString(),
      intentId: intent.id,
      outcome,
      reason,
    });
    // A restore is recorded at once: it is what keeps the wave stopped and the removal from going again.
    if (outcome === 'restored') await this.journalOutcomes();
  };

  async journalOutcomes(): Promise<void> {
    await this.append(this.outcomes.splice(0));
  }

  async append(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.journal.appendMany) await this.journal.appendMany(entries);
    else for (const entry of entries) await this.journal.append(entry);
  }
}
