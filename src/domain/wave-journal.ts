import type { JournalEntry, RemovalOutcome } from './journal';

type WaveDecision = Extract<JournalEntry, { kind: 'wave-decision' }>;

/** True when the journal records an approval of exactly this wave (its digest) and no later rejection. */
export function isWaveApproved(
  entries: readonly JournalEntry[],
  wave: { readonly digest: string }
): boolean {
  const decisions = entries.filter(
    (e): e is WaveDecision => e.kind === 'wave-decision' && e.waveDigest === wave.digest
  );
  return decisions.length > 0 && decisions[decisions.length - 1].decision === 'approved';
}

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
