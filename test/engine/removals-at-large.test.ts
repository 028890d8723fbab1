import { removalsAtLarge, removedIntentsIn } from '../../src/engine/done-report';
import { memoryState } from '../../src/storage/bot-state';

/** Removals journaled across two waves: what an after-wave read keeps of them. */
async function journalOf(
  removals: { user: string; wave: number; outcome: 'removed' | 'restored'; at: string }[]
) {
  const { journal } = memoryState();
  for (const [i, r] of removals.entries()) {
    await journal.append({
      kind: 'removal-intended',
      id: `intent-${i}`,
      at: r.at,
      waveNumber: r.wave,
      waveDigest: `digest-${r.wave}`,
      userId: r.user,
      skuId: 'sku-e3',
      disabledPlans: [],
    });
    await journal.append({
      kind: 'removal-outcome',
      id: `outcome-${i}`,
      at: r.at,
      intentId: `intent-${i}`,
      outcome: r.outcome,
      reason: 'test',
    });
  }
  return journal;
}

describe('what a read after a wave keeps of the removals', () => {
  const removals = [
    { user: 'User-A', wave: 1, outcome: 'removed' as const, at: '2025-03-01T10:00:00.000Z' },
    { user: 'user-b', wave: 1, outcome: 'restored' as const, at: '2025-03-01T10:00:00.000Z' },
    { user: 'user-c', wave: 2, outcome: 'removed' as const, at: '2025-03-02T10:00:00.000Z' },
  ];

  it('names the users whose removals stand up to its wave, and counts the bot’s own since a moment', async () => {
    const journal = await journalOf(removals);
    const throughOne = await removalsAtLarge(journal, 1, '2025-03-02T00:00:00.000Z');
    expect([...throughOne.users]).toEqual(['user-a']);
    expect(throughOne.madeSince).toBe(1);
    expect([...(await removalsAtLarge(journal, null, '2025-03-01T00:00:00.000Z')).users]).toEqual([
      'user-a',
      'user-c',
    ]);
  });

  it('reads the details of only the users asked about', async () => {
    const journal = await journalOf(removals);
    const details = await removedIntentsIn(journal, (userId) => userId === 'user-c');
    expect([...details.values()]).toEqual([
      { userId: 'user-c', skuId: 'sku-e3', waveNumber: 2, removedAt: '2025-03-02T10:00:00.000Z' },
    ]);
  });
});
