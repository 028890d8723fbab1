import { randomUUID } from 'node:crypto';
import type { RemovalAnswer } from '../domain/directory-answers';
import type { JournalEntry, RemovalOutcome } from '../domain/journal';
import type { Journal } from './ports/journal';
import type { UserLicenseSnapshot } from '../domain/licenses';
import {
  decideDirectRemovals,
  plansLostAfterRemoval,
  type RemovalContext,
} from '../domain/removal-safety';
import { GONE_BEFORE_REMOVAL } from '../domain/read-freshness';
import type { WaveEntry } from '../domain/waves';
import type { DirectoryWriter } from './ports/directory-writer';
import { LeaseLostError } from './ports/write-fence';
import { directAssignmentOf, holdsDirectly } from '../domain/direct-assignment';

export type Intent = Extract<JournalEntry, { kind: 'removal-intended' }>;
export type Settle = (intent: Intent, outcome: RemovalOutcome, reason: string) => Promise<void>;

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.some((y) => y.toLowerCase() === x.toLowerCase()));

/**
 * Every check of verification again, on the fresh read: the direct assignment must still be there,
 * unchanged since approval, and still safe to remove. What fails is skipped with its reason.
 */
export function preCheck(
  snapshot: UserLicenseSnapshot,
  pending: readonly WaveEntry[],
  context: RemovalContext
): { toRemove: WaveEntry[]; skipped: { entry: WaveEntry; reason: string }[] } {
  const decisions = new Map(decideDirectRemovals(snapshot, context).map((d) => [d.skuId, d]));
  const toRemove: WaveEntry[] = [];
  const skipped: { entry: WaveEntry; reason: string }[] = [];
  for (const entry of pending) {
    const direct = directAssignmentOf(snapshot, entry.skuId);
    const decision = decisions.get(entry.skuId);
    if (!direct) {
      skipped.push({
        entry,
        reason: snapshot.accountEnabled
          ? 'The direct assignment is already gone (removed by someone else); nothing to do.'
          : 'The account is disabled (someone who left) and its direct assignment is already gone; nothing to do.',
      });
    } else if (!sameSet(direct.disabledPlans, entry.disabledPlans)) {
      skipped.push({
        entry,
        reason:
          'The direct assignment changed since the wave was approved; verify again and plan it in a later wave.',
      });
    } else if (!decision || decision.decision === 'skip') {
      skipped.push({ entry, reason: decision?.reason ?? 'It no longer passes verification.' });
    } else {
      toRemove.push(entry);
    }
  }
  return { toRemove, skipped };
}

export interface Settled {
  removed: { entry: WaveEntry; reason: string }[];
  /** Gone before the bot's removal arrived: not the bot's doing, as far as it can tell now. */
  skipped: { entry: WaveEntry; reason: string }[];
  failed: { entry: WaveEntry; reason: string }[];
  restored: { entry: WaveEntry; reason: string }[];
}

export interface SettleTools {
  readonly context: RemovalContext;
  readonly writer: DirectoryWriter;
  readonly journal: Journal;
  readonly settle: Settle;
  readonly now: () => Date;
  /** Told the moment a loss is seen, before it is put back: the wave starts and sends nothing more. */
  readonly onLoss: (reason: string) => void;
}

/**
 * Judges one user's removals from the read after them: still direct (failed, nothing lost), gone with
 * every plan still enabled (removed), or gone with plans lost (put back exactly, and the wave stops).
 */
export async function settleAfterRemoval(
  plan: { toRemove: readonly WaveEntry[]; intents: readonly Intent[] },
  after: UserLicenseSnapshot,
  answer: RemovalAnswer | undefined,
  tools: SettleTools
): Promise<Settled> {
  const settled: Settled = { removed: [], skipped: [], failed: [], restored: [] };
  for (const [index, entry] of plan.toRemove.entries()) {
    const intent = plan.intents[index];
    const stillDirect = holdsDirectly(after, entry.skuId);
    const lost = plansLostAfterRemoval(
      after,
      tools.context.skus.get(entry.skuId),
      entry.skuId,
      entry.disabledPlans,
      tools.context.dynamicGroups
    );
    if (stillDirect) {
      const reason =
        answer && 'reason' in answer
          ? `Graph refused or failed the removal: ${answer.reason}`
          : 'The direct assignment is still there after the removal, read again until replicas had caught up.';
      await tools.settle(intent, 'failed', reason);
      settled.failed.push({ entry, reason });
    } else if (lost.length === 0 && answer?.kind === 'already-gone') {
      // The read back shows it gone, but this request did not take it: journaled as not removed by the
      // bot, so the report does not claim it and a rollback does not give a leaver their license back.
      await tools.settle(intent, 'skipped', GONE_BEFORE_REMOVAL);
      settled.skipped.push({ entry, reason: GONE_BEFORE_REMOVAL });
    } else if (lost.length === 0) {
      const reason = 'Removed; the license stays, inherited.';
      await tools.settle(intent, 'removed', reason);
      settled.removed.push({ entry, reason });
    } else {
      tools.onLoss(
        `${entry.userPrincipalName} lost ${lost.length} plan(s) after removal; the direct assignment was put back and the wave stopped.`
      );
      const reason = await restore(tools, intent, lost);
      await tools.settle(intent, 'restored', reason);
      settled.restored.push({ entry, reason });
    }
  }
  return settled;
}

/** Puts a lost removal back exactly, its intent to do so journaled first (a crash then knows it happened). */
export async function restore(
  tools: Pick<SettleTools, 'writer' | 'journal' | 'now'>,
  intent: Intent,
  lost: readonly string[]
): Promise<string> {
  await tools.journal.append({
    kind: 'restore-intended',
    id: randomUUID(),
    at: tools.now().toISOString(),
    intentId: intent.id,
  });
  const answer = await tools.writer.restoreDirectLicense(
    intent.userId,
    intent.skuId,
    intent.disabledPlans
  );
  // Not put back: the wave fails here, and the next run (or the lease's holder) settles it from fresh reads.
  if (answer.kind === 'lease-lost') throw new LeaseLostError('The restore');
  if (answer.kind !== 'done') throw new Error(answer.reason);
  return `Removing lost ${lost.length} plan(s); the direct assignment was put back with its original disabled plans.`;
}
