import { randomUUID } from 'node:crypto';
import type { Journal, JournalEntry } from '../domain/journal';
import { errorText } from '../error-text';
import type { DirectoryWriter } from './directory-writer';
import { isNotFound } from './execute-wave';
import { isLeaseLost } from './write-fence';

export interface RollbackReport {
  readonly waveNumber: number;
  /** Direct assignments put back exactly (SKU and disabled plans). */
  readonly restored: { userId: string; skuId: string }[];
  /** Already back (someone restored it, or it was never gone), or the user is deleted: nothing sent. */
  readonly alreadyThere: { userId: string; skuId: string }[];
  readonly failed: { userId: string; skuId: string; reason: string }[];
  /** A dry run: `restored` lists what would be put back; nothing was sent. */
  readonly dryRun: boolean;
}

type Intent = Extract<JournalEntry, { kind: 'removal-intended' }>;

/**
 * Rolls back an (approved) wave: every direct assignment the journal says it removed is put back with
 * its original disabled plans. Idempotent: a fresh read first, so nothing is assigned twice. A dry run
 * reads and says what it would put back, and sends nothing.
 */
export async function rollbackWave(
  waveDigest: string,
  writer: DirectoryWriter,
  journal: Journal,
  options: {
    now?: () => Date;
    dryRun?: boolean;
    /** Only these removals (intent ids): a follow-up's restore puts back what it found missing. */
    only?: ReadonlySet<string>;
    /** Why, in the journal. */
    reason?: string;
  } = {}
): Promise<RollbackReport> {
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  const entries = await journal.entries();
  const intents = new Map(
    entries.flatMap((e) =>
      e.kind === 'removal-intended' && e.waveDigest === waveDigest ? [[e.id, e]] : []
    )
  );
  const removed: Intent[] = entries.flatMap((e) => {
    const intent =
      e.kind === 'removal-outcome' && e.outcome === 'removed' ? intents.get(e.intentId) : undefined;
    return intent && (!options.only || options.only.has(intent.id)) ? [intent] : [];
  });
  const report: RollbackReport = {
    waveNumber: removed[0]?.waveNumber ?? 0,
    restored: [],
    alreadyThere: [],
    failed: [],
    dryRun,
  };
  for (const intent of removed) {
    const key = { userId: intent.userId, skuId: intent.skuId };
    try {
      const fresh = await writer.readUser(intent.userId);
      if (
        fresh.licenseAssignmentStates.some(
          (r) => r.skuId === intent.skuId && r.assignedByGroup === null
        )
      ) {
        report.alreadyThere.push(key);
        continue;
      }
      if (dryRun) {
        report.restored.push(key);
        continue;
      }
      await writer.restoreDirectLicense(intent.userId, intent.skuId, intent.disabledPlans);
      await journal.append({
        kind: 'removal-outcome',
        id: randomUUID(),
        at: now().toISOString(),
        intentId: intent.id,
        outcome: 'restored',
        reason:
          options.reason ??
          'Rolled back with the wave: the direct assignment was put back exactly.',
      });
      report.restored.push(key);
    } catch (error) {
      // Another instance holds the lease now: it goes on from fresh reads; nothing more is sent here.
      if (isLeaseLost(error)) throw error;
      // A user deleted since has nothing to put back.
      if (isNotFound(error)) report.alreadyThere.push(key);
      else report.failed.push({ ...key, reason: errorText(error) });
    }
  }
  return report;
}
