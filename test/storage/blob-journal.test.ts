import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../src/demo/azurite';
import type { JournalEntry, RemovalOutcome } from '../../src/domain/journal';
import { JournalSummary } from '../../src/domain/journal-summary';
import { BlobJournal } from '../../src/storage/blob-journal';
import { BlobMigrationStore } from '../../src/storage/blob-migration-store';
import { NEW_MIGRATION_RECORD } from '../../src/domain/migration-record';
import { RecordConflictError } from '../../src/engine/ports/migration-store';

const entry = (id: string): JournalEntry => ({
  kind: 'wave-decision',
  id,
  at: '2026-11-24T10:00:00Z',
  waveNumber: 1,
  waveDigest: 'd',
  decision: 'approved',
  by: 'Zoë Ångström', // not only ASCII: lengths are bytes
});

const WAVES = [
  { number: 1, digest: 'wave-1', users: 300 },
  { number: 2, digest: 'wave-2', users: 500 },
];

/** A wave's lifetime in the journal: its approval, round trips of 20 intents, each settled after. */
async function runWave(journal: BlobJournal, wave: (typeof WAVES)[number]): Promise<void> {
  await journal.append({
    kind: 'wave-decision',
    id: `approve-${wave.digest}`,
    at: '2026-11-24T10:00:00Z',
    waveNumber: wave.number,
    waveDigest: wave.digest,
    decision: 'approved',
    by: 'Zoë Ångström',
  });
  for (let start = 0; start < wave.users; start += 20) {
    const ids = Array.from(
      { length: Math.min(20, wave.users - start) },
      (_, i) => `${wave.digest}-${start + i}`
    );
    await journal.appendMany(
      ids.map((id, i) => ({
        kind: 'removal-intended',
        id,
        at: '2026-11-24T10:00:00Z',
        waveNumber: wave.number,
        waveDigest: wave.digest,
        userId: `user-${start + i}`,
        skuId: 'ems',
        disabledPlans: ['plan-ü'],
      }))
    );
    // Some are unsure first and settle later; one in ten is skipped.
    const outcome = (i: number): RemovalOutcome => (i % 10 === 3 ? 'skipped' : 'removed');
    await journal.appendMany(
      ids.flatMap((id, i) => [
        ...(i % 7 === 0 ? [settle(id, 'unknown')] : []),
        settle(id, outcome(i)),
      ])
    );
  }
}

const settle = (intentId: string, outcome: RemovalOutcome, n = 0): JournalEntry => ({
  kind: 'removal-outcome',
  id: `${intentId}-${outcome}-${n}`,
  at: '2026-11-24T10:00:01Z',
  intentId,
  outcome,
  reason: 'Zoë’s license stays, inherited.',
});

describe('the journal and the record in Azure Blob Storage (Azurite)', () => {
  let azurite: RunningAzurite;
  let container: ContainerClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'journal-test'
    );
  });
  afterAll(async () => {
    await azurite.stop();
  });

  it('keeps every entry exactly once, in one order, when two instances append at the same time', async () => {
    const a = new BlobJournal(container);
    const b = new BlobJournal(container);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 3 === 0 ? b.append(entry(`b${i}`)) : a.appendMany([entry(`a${i}`), entry(`a${i}+`)])
      )
    );
    const fromA = (await a.entries()).map((e) => e.id);
    const fromB = (await b.entries()).map((e) => e.id);
    const fresh = (await new BlobJournal(container).entries()).map((e) => e.id);
    expect(fromA).toEqual(fresh);
    expect(fromB).toEqual(fresh);
    expect(new Set(fresh).size).toBe(fresh.length);
    expect(fresh).toHaveLength(14 + 26 * 2);
    // Entries appended together stay together.
    expect(fresh[fresh.indexOf('a1') + 1]).toBe('a1+');
  });

  it('writes the record only on the ETag it read, and creates it only if nobody else did', async () => {
    const one = new BlobMigrationStore(container);
    const two = new BlobMigrationStore(container);
    const first = await one.read();
    const second = await two.read();
    await one.write({ ...first.record, paused: null }, first.etag);
    await expect(two.write(second.record, second.etag)).rejects.toThrow(RecordConflictError);
    const now = await two.read();
    await two.write({ ...NEW_MIGRATION_RECORD, waves: [] }, now.etag);
    await expect(one.write(first.record, now.etag)).rejects.toThrow(RecordConflictError);
    // Unchanged since: the record is not downloaded again (the same object comes back).
    expect((await two.read()).record).toBe((await two.read()).record);
  });

  it('keeps a summary of a long journal, not its entries, and a fresh instance reads the same from storage', async () => {
    const lifetime = BlobServiceClient.fromConnectionString(
      azurite.connectionString
    ).getContainerClient('journal-lifetime');
    const journal = new BlobJournal(lifetime);
    for (const wave of WAVES) await runWave(journal, wave);
    // Forty of wave 1's removals put back long after: they move from "removed" to "restored".
    const putBack = Array.from({ length: 45 }, (_, k) => k).filter((k) => k % 10 !== 3);
    await journal.appendMany(putBack.map((k) => settle(`wave-1-${k}`, 'restored', 1)));

    const summary = await journal.summary();
    expect(summary.inFlight()).toEqual([]);
    expect(summary.waveTallies()).toEqual([
      {
        waveNumber: 1,
        waveDigest: 'wave-1',
        approvedBy: 'Zoë Ångström',
        removed: 230,
        skipped: 30,
        restored: 40,
        failed: 0,
      },
      {
        waveNumber: 2,
        waveDigest: 'wave-2',
        approvedBy: 'Zoë Ångström',
        removed: 450,
        skipped: 50,
        restored: 0,
        failed: 0,
      },
    ]);

    // Read again from storage in small ranges, lines split across reads: the same answers.
    const fresh = new BlobJournal(lifetime, { rangeBytes: 7_000 });
    const again = await fresh.summary();
    expect(again.waveTallies()).toEqual(summary.waveTallies());
    expect(again.decisions()).toEqual(summary.decisions());
    expect(again.inFlight()).toEqual([]);
    const all = await fresh.entries();
    expect(all).toHaveLength(2 + 800 + 800 + countUnknown() + 40);
    expect(JournalSummary.of(all).waveTallies()).toEqual(summary.waveTallies());
    const wave2 = await fresh.waveEntries('wave-2');
    expect(wave2).toEqual(
      all.filter(
        (e) =>
          (e.kind === 'wave-decision' && e.waveDigest === 'wave-2') ||
          (e.kind === 'removal-intended' && e.waveDigest === 'wave-2') ||
          (e.kind === 'removal-outcome' && e.intentId.startsWith('wave-2-'))
      )
    );
    expect(await journal.waveEntries('wave-2')).toEqual(wave2);

    // An append after a read folds in: the next one is in flight until it settles.
    await fresh.append({
      kind: 'removal-intended',
      id: 'late',
      at: '2026-11-24T11:00:00Z',
      waveNumber: 2,
      waveDigest: 'wave-2',
      userId: 'late-user',
      skuId: 'ems',
      disabledPlans: [],
    });
    expect((await journal.summary()).inFlight().map((f) => f.intent.id)).toEqual(['late']);
  });
  it('recognises its own block after a retry answered 412, and keeps it once', async () => {
    const retried = BlobServiceClient.fromConnectionString(
      azurite.connectionString
    ).getContainerClient('journal-retried');
    await new BlobJournal(retried).appendMany(
      Array.from({ length: 30 }, (_, i) => entry(`before-${i}`))
    );
    const journal = new BlobJournal(timingOutOnce(retried));
    // More entries in the block than the few ids a journal remembers by default.
    const block = Array.from({ length: 100 }, (_, i) => entry(`block-${i}`));
    await journal.appendMany(block);
    await journal.append(entry('after'));
    const ids = (await new BlobJournal(retried).entries()).map((e) => e.id);
    expect(ids).toEqual([
      ...Array.from({ length: 30 }, (_, i) => `before-${i}`),
      ...block.map((e) => e.id),
      'after',
    ]);
    expect((await journal.summary()).decisions()).toHaveLength(131);
  });

  it('answers status with every append that returned, without queueing behind one that waits on storage', async () => {
    const slow = BlobServiceClient.fromConnectionString(
      azurite.connectionString
    ).getContainerClient('journal-slow-append');
    const stalled = stallingAppends(slow);
    const journal = new BlobJournal(stalled.container);
    await journal.append(entry('returned'));
    stalled.hold();
    const order: string[] = [];
    const waiting = journal.append(entry('waiting')).then(() => order.push('append'));
    await stalled.reached;
    // Only a bound for the code before the change, which answered after the append: released then.
    const deadline = setTimeout(() => stalled.release(), 10_000);
    const shown = await journal.summaryWithoutWaiting().then((summary) => {
      order.push('status');
      stalled.release();
      return summary.decisions().map((d) => d.id);
    });
    await waiting;
    clearTimeout(deadline);
    expect(order).toEqual(['status', 'append']);
    expect(shown).toEqual(['returned']);
    expect((await journal.summary()).decisions().map((d) => d.id)).toEqual(['returned', 'waiting']);
  });
});

/** A container whose appends, once `hold` is called, wait at storage until `release`. */
function stallingAppends(container: ContainerClient) {
  let gate: Promise<void> | null = null;
  let open = () => {};
  let reachedGate = () => {};
  const reached = new Promise<void>((resolve) => (reachedGate = resolve));
  const proxy = new Proxy(container, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property !== 'getAppendBlobClient' || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(target) : value;
      return (name: string) => {
        const blob = target.getAppendBlobClient(name);
        const appendBlock = blob.appendBlock.bind(blob);
        blob.appendBlock = async (...args: Parameters<typeof appendBlock>) => {
          if (gate) {
            reachedGate();
            await gate;
          }
          return appendBlock(...args);
        };
        return blob;
      };
    },
  });
  return {
    container: proxy,
    reached,
    hold: () => (gate = new Promise<void>((resolve) => (open = resolve))),
    release: () => open(),
  };
}

/**
 * A container whose first append is committed but answered as if it timed out and the SDK's retry got
 * 412 (the block is there, at the position the retry asked for).
 */
function timingOutOnce(container: ContainerClient): ContainerClient {
  let armed = true;
  return new Proxy(container, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property !== 'getAppendBlobClient' || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(target) : value;
      return (name: string) => {
        const blob = target.getAppendBlobClient(name);
        const appendBlock = blob.appendBlock.bind(blob);
        blob.appendBlock = async (...args: Parameters<typeof appendBlock>) => {
          const answer = await appendBlock(...args);
          if (!armed) return answer;
          armed = false;
          throw Object.assign(new Error('The condition specified was not met.'), {
            statusCode: 412,
          });
        };
        return blob;
      };
    },
  });
}

/** "Unknown, re-checking" entries the waves journal: one in seven of each round trip of 20. */
function countUnknown(): number {
  let n = 0;
  for (const wave of WAVES)
    for (let start = 0; start < wave.users; start += 20)
      for (let i = 0; i < Math.min(20, wave.users - start); i++) if (i % 7 === 0) n++;
  return n;
}
