import type { FollowUpTarget } from './follow-up';
import type { JournalEntry } from './journal';

/**
 * One wave's direct assignments removed now (nothing put them back since), folded from the journal as it
 * is read: its entries are not kept, only what a follow-up checks of each removal, the SKU ids and
 * disabled plans shared between removals alike. An outcome counts only after its wave's intent (as the
 * journal writes them); "unknown, re-checking" settles nothing, so the outcome before it stands.
 */
export class WaveRemovalsFold {
  private readonly intents = new Map<string, FollowUpTarget>();
  private readonly removed = new Set<string>();
  private readonly shared = new Map<string, string | readonly string[]>();

  constructor(private readonly waveDigest: string) {}

  add(entry: JournalEntry): void {
    if (entry.kind === 'removal-intended' && entry.waveDigest === this.waveDigest)
      this.intents.set(entry.id, {
        intentId: entry.id,
        userId: entry.userId,
        skuId: this.share(entry.skuId, entry.skuId) as string,
        disabledPlans: this.share(JSON.stringify(entry.disabledPlans), entry.disabledPlans),
      });
    if (entry.kind !== 'removal-outcome' || entry.outcome === 'unknown') return;
    if (!this.intents.has(entry.intentId)) return;
    if (entry.outcome === 'removed') this.removed.add(entry.intentId);
    else this.removed.delete(entry.intentId);
  }

  /** The removals by user, in the order their intents were first written; the fold is spent. */
  byUser(): Map<string, FollowUpTarget[]> {
    const byUser = new Map<string, FollowUpTarget[]>();
    for (const [id, target] of this.intents) {
      this.intents.delete(id);
      if (!this.removed.has(id)) continue;
      const own = byUser.get(target.userId);
      if (own) own.push(target);
      else byUser.set(target.userId, [target]);
    }
    this.removed.clear();
    return byUser;
  }

  private share<T extends string | readonly string[]>(key: string, value: T): T {
    const known = this.shared.get(key) as T | undefined;
    if (known !== undefined) return known;
    this.shared.set(key, value);
    return value;
  }
}
