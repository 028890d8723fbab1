import type { JournalEntry, RemovalOutcome } from './journal-entry';

/** What one wave did, with who approved it. */
export interface WaveTally {
  readonly waveNumber: number;
  readonly waveDigest: string;
  readonly approvedBy: string | null;
  readonly removed: number;
  readonly skipped: number;
  readonly restored: number;
  readonly failed: number;
}

export type RemovalIntent = Extract<JournalEntry, { kind: 'removal-intended' }>;
export type DecisionEntry = Extract<JournalEntry, { kind: 'wave-decision' | 'approval-decision' }>;

/** A removal intent with no settling outcome yet, and what the journal says of it since. */
export interface InFlightRemoval {
  readonly intent: RemovalIntent;
  /** A restore-intended was journaled for it: it was removed, found lost and is being put back. */
  readonly restoring: boolean;
  /** When it was last journaled "unknown, re-checking" (null when never). */
  readonly unknownAt: string | null;
}

type Settled = Exclude<RemovalOutcome, 'unknown'>;
const SETTLED: readonly Settled[] = ['removed', 'skipped', 'restored', 'failed'];

interface WaveRow {
  waveNumber: number;
  readonly waveDigest: string;
  approvedBy: string | null;
  /** Where its first approval, else its first intent with an outcome, stands in the journal: the order of ties. */
  approvedAt: number;
  firstCountedAt: number;
  readonly counts: number[];
}

interface Flying {
  intent: RemovalIntent;
  seq: number;
  restoring: boolean;
  unknownAt: string | null;
}

/**
 * The journal folded entry by entry into what the engine asks of it at any time, without keeping the
 * entries: every decision (a few per wave and approval), the removals still in flight, and each wave's
 * tally. A settled removal leaves only a number behind (its wave and latest outcome, packed), because a
 * rollback's "restored" may follow its "removed" long after and must move it from one count to another.
 * Pure: entries in, answers out; storage decides where the entries come from.
 */
export class JournalSummary {
  private seq = 0;
  private readonly decisionList: DecisionEntry[] = [];
  private readonly flying = new Map<string, Flying>();
  private readonly rows: WaveRow[] = [];
  private readonly rowOf = new Map<string, number>();
  /** Settled intent id → wave row × 4 + index in SETTLED. */
  private readonly settled = new Map<string, number>();

  /** Folds entries in journal order. */
  static of(entries: Iterable<JournalEntry>): JournalSummary {
    const summary = new JournalSummary();
    for (const entry of entries) summary.add(entry);
    return summary;
  }

  add(entry: JournalEntry): void {
    const seq = this.seq++;
    switch (entry.kind) {
      case 'wave-decision':
        this.decisionList.push(entry);
        if (entry.decision === 'approved') this.approve(entry, seq);
        return;
      case 'approval-decision':
        this.decisionList.push(entry);
        return;
      case 'removal-intended':
        if (!this.flying.has(entry.id) && !this.settled.has(entry.id))
          this.flying.set(entry.id, { intent: entry, seq, restoring: false, unknownAt: null });
        return;
      case 'restore-intended': {
        const flying = this.flying.get(entry.intentId);
        if (flying) flying.restoring = true;
        return;
      }
      case 'removal-outcome':
        this.settle(entry);
    }
  }

  /** Every wave and approval decision, in journal order. */
  decisions(): readonly DecisionEntry[] {
    return this.decisionList;
  }

  /** True when the journal records an approval of exactly this wave (its digest) and no later rejection. */
  isWaveApproved(waveDigest: string): boolean {
    let last: DecisionEntry | undefined;
    for (const d of this.decisionList)
      if (d.kind === 'wave-decision' && d.waveDigest === waveDigest) last = d;
    return last?.decision === 'approved';
  }

  /** Whether the decision on this approval request is journaled. */
  hasDecisionOn(approvalId: string): boolean {
    return this.decisionList.some((d) => d.approvalId === approvalId);
  }

  /** Removal intents with no outcome yet, or only "unknown", in journal order (of one wave if given). */
  inFlight(waveDigest?: string): InFlightRemoval[] {
    const all = [...this.flying.values()];
    return all
      .filter((f) => waveDigest === undefined || f.intent.waveDigest === waveDigest)
      .map(({ intent, restoring, unknownAt }) => ({ intent, restoring, unknownAt }));
  }

  /** Removals of a wave that took something and whose putting back is not recorded yet. */
  awaitingPutBack(waveDigest: string): number {
    return this.inFlight(waveDigest).filter((f) => f.restoring).length;
  }

  /** A settled intent's latest outcome; null while in flight, or for an id the journal has no intent of. */
  latestOutcomeOf(intentId: string): Settled | null {
    const packed = this.settled.get(intentId);
    return packed === undefined ? null : SETTLED[packed % 4];
  }

  /** What each wave did, in wave order, with who approved it. */
  waveTallies(): WaveTally[] {
    return this.rows
      .filter((r) => r.approvedBy !== null || r.firstCountedAt !== Infinity)
      .sort((a, b) => orderOf(a) - orderOf(b))
      .sort((a, b) => a.waveNumber - b.waveNumber)
      .map((r) => ({
        waveNumber: r.waveNumber,
        waveDigest: r.waveDigest,
        approvedBy: r.approvedBy,
        removed: r.counts[0],
        skipped: r.counts[1],
        restored: r.counts[2],
        failed: r.counts[3],
      }));
  }

  private approve(entry: Extract<DecisionEntry, { kind: 'wave-decision' }>, seq: number): void {
    const row = this.rowFor(entry.waveDigest, entry.waveNumber);
    // The latest approval names the wave and its approver; the first one places it among ties.
    if (row.approvedBy === null) row.approvedAt = seq;
    row.approvedBy = entry.by;
    row.waveNumber = entry.waveNumber;
  }

  private settle(entry: Extract<JournalEntry, { kind: 'removal-outcome' }>): void {
    const flying = this.flying.get(entry.intentId);
    if (entry.outcome === 'unknown') {
      // "Unknown, re-checking" settles nothing: it only says when the removal was last seen unsure.
      if (flying) flying.unknownAt = entry.at;
      return;
    }
    const index = SETTLED.indexOf(entry.outcome);
    if (flying) {
      this.flying.delete(entry.intentId);
      const row = this.rowFor(flying.intent.waveDigest, flying.intent.waveNumber);
      row.firstCountedAt = Math.min(row.firstCountedAt, flying.seq);
      row.counts[index] += 1;
      this.settled.set(entry.intentId, this.rowOf.get(row.waveDigest)! * 4 + index);
      return;
    }
    const packed = this.settled.get(entry.intentId);
    if (packed === undefined) return; // An outcome of no intent counts for no wave.
    const row = this.rows[Math.floor(packed / 4)];
    row.counts[packed % 4] -= 1;
    row.counts[index] += 1;
    this.settled.set(entry.intentId, packed - (packed % 4) + index);
  }

  private rowFor(waveDigest: string, waveNumber: number): WaveRow {
    const at = this.rowOf.get(waveDigest);
    if (at !== undefined) return this.rows[at];
    const row: WaveRow = {
      waveNumber,
      waveDigest,
      approvedBy: null,
      approvedAt: Infinity,
      firstCountedAt: Infinity,
      counts: [0, 0, 0, 0],
    };
    this.rowOf.set(waveDigest, this.rows.length);
    this.rows.push(row);
    return row;
  }
}

/** Approved waves first, in the order approved; then the others, in the order of their first counted intent. */
const orderOf = (row: WaveRow) =>
  row.approvedBy !== null ? row.approvedAt : Number.MAX_SAFE_INTEGER / 2 + row.firstCountedAt;

/** Only the entries of one wave: its decisions, its intents, and what refers to them. */
export class WaveEntryFilter {
  private readonly intents = new Set<string>();

  constructor(private readonly waveDigest: string) {}

  keeps(entry: JournalEntry): boolean {
    switch (entry.kind) {
      case 'wave-decision':
        return entry.waveDigest === this.waveDigest;
      case 'removal-intended':
        if (entry.waveDigest !== this.waveDigest) return false;
        this.intents.add(entry.id);
        return true;
      case 'removal-outcome':
      case 'restore-intended':
        return this.intents.has(entry.intentId);
      default:
        return false;
    }
  }
}
