import type { JournalEntry, RemovalOutcome } from './journal';

type WaveDecision = Extract<JournalEntry, { kind: 'wave-decision' }>;

/**
 * (user, SKU) pairs of this wave already settled (removed, put back, or left after an interruption):
 * never sent again. Counted from this approval on, so the same contents approved again after a rollback
 * start afresh; and whether anyone in it had to be put back.
 */
export function settledKeysOf(
  all: readonly JournalEntry[],
  digest: string
): { done: Set<string>; restoredEarlier: boolean } {
  // The latest approval, from its first journal entry (the runner may journal a decision twice).
  let latest: WaveDecision | null = null;
  for (const e of all)
    if (e.kind === 'wave-decision' && e.waveDigest === digest && e.decision === 'approved')
      latest = e;
  const from = latest
    ? all.findIndex(
        (e) =>
          e.kind === 'wave-decision' &&
          e.waveDigest === digest &&
          e.decision === 'approved' &&
          (latest?.approvalId ? e.approvalId === latest.approvalId : e === latest)
      )
    : 0;
  const entries = all.slice(Math.max(0, from));
  const intents = new Map(
    entries.flatMap((e) =>
      e.kind === 'removal-intended' && e.waveDigest === digest ? [[e.id, e]] : []
    )
  );
  // An intent's latest outcome decides: 'unknown, re-checking' later judged failed is tried again.
  const latestOutcome = new Map<string, RemovalOutcome>();
  let restoredEarlier = false;
  for (const e of entries) {
    if (e.kind !== 'removal-outcome' || !intents.has(e.intentId)) continue;
    latestOutcome.set(e.intentId, e.outcome);
    if (e.outcome === 'restored') restoredEarlier = true;
  }
  const done = new Set<string>();
  for (const [intentId, outcome] of latestOutcome) {
    const intent = intents.get(intentId);
    if (intent && outcome !== 'failed' && outcome !== 'unknown')
      done.add(`${intent.userId}|${intent.skuId}`);
  }
  return { done, restoredEarlier };
}

/**
 * `settledKeysOf`, folded entry by entry over one wave's entries as they are read, keeping only the
 * wave's intents and their latest outcomes, not the entries. `decisions` are the journal's decisions
 * (the summary's): they say from which of the wave's decisions on to count.
 */
export class SettledKeysFold {
  /** Which of this wave's decisions starts the count (its first entry of the latest approval). */
  private readonly startAt: number;
  private decisionsSeen = 0;
  /** With no approval, everything counts; with one, what follows its first decision entry. */
  private counting: boolean;
  private readonly intents = new Map<string, { key: string; latest: RemovalOutcome | null }>();
  private restoredEarlier = false;

  constructor(
    private readonly digest: string,
    decisions: readonly JournalEntry[]
  ) {
    const own = decisions.filter(
      (e): e is WaveDecision => e.kind === 'wave-decision' && e.waveDigest === digest
    );
    const latest = own.filter((e) => e.decision === 'approved').at(-1);
    this.counting = !latest;
    this.startAt = latest
      ? own.findIndex(
          (e) =>
            e.decision === 'approved' &&
            (latest.approvalId ? e.approvalId === latest.approvalId : e === latest)
        )
      : 0;
  }

  add(entry: JournalEntry): void {
    if (entry.kind === 'wave-decision' && entry.waveDigest === this.digest) {
      if (this.decisionsSeen++ === this.startAt) this.counting = true;
      return;
    }
    if (!this.counting) return;
    if (
      entry.kind === 'removal-intended' &&
      entry.waveDigest === this.digest &&
      !this.intents.has(entry.id)
    )
      this.intents.set(entry.id, { key: `${entry.userId}|${entry.skuId}`, latest: null });
    if (entry.kind !== 'removal-outcome') return;
    const intent = this.intents.get(entry.intentId);
    if (!intent) return;
    intent.latest = entry.outcome;
    if (entry.outcome === 'restored') this.restoredEarlier = true;
  }

  result(): { done: Set<string>; restoredEarlier: boolean } {
    const done = new Set<string>();
    for (const { key, latest } of this.intents.values())
      if (latest !== null && latest !== 'failed' && latest !== 'unknown') done.add(key);
    return { done, restoredEarlier: this.restoredEarlier };
  }
}
