/**
 * The journal's memory: N synthetic removals (an intent and its outcome each) appended to a BlobJournal in
 * Azurite, then a fresh instance reads what the engine asks of it (the summary; before issue 17, every entry)
 * and the heap it keeps is printed, after a full GC. Azurite runs on a worker thread: its memory is not in
 * this heap.
 *
 *   npm run build --silent && node --expose-gc bench/journal-memory.js 10000 200000
 *   JOURNAL_LIB=/tmp/journal-before/lib node --expose-gc bench/journal-memory.js 10000 200000   # another build
 */
const path = require('node:path');
const { BlobServiceClient } = require('@azure/storage-blob');

const lib = process.env.JOURNAL_LIB ?? path.join(__dirname, '..', 'lib');
const { startAzurite } = require(path.join(lib, 'demo', 'azurite'));
const { BlobJournal } = require(path.join(lib, 'storage', 'blob-journal'));

/** Appended in blocks of this many entries (a wave appends 20 a round trip: the read is the same). */
const BLOCK = 500;
const MB = 1024 * 1024;

function heapAfterGc() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

async function write(container, n) {
  const journal = new BlobJournal(container);
  const at = '2026-11-30T10:00:00.000Z';
  await journal.append({
    kind: 'wave-decision',
    id: 'decision-1',
    at,
    waveNumber: 1,
    waveDigest: 'digest-1',
    decision: 'approved',
    by: 'Lee Gu (approver)',
  });
  for (let start = 0; start < n; start += BLOCK) {
    const ids = Array.from({ length: Math.min(BLOCK, n - start) }, (_, i) => start + i);
    await journal.appendMany(
      ids.map((i) => ({
        kind: 'removal-intended',
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        at,
        waveNumber: 1,
        waveDigest: 'digest-1',
        userId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
        disabledPlans: [],
      }))
    );
    await journal.appendMany(
      ids.map((i) => ({
        kind: 'removal-outcome',
        id: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        at,
        intentId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        outcome: 'removed',
        reason: 'Removed; the license stays, inherited through the group.',
      }))
    );
  }
}

async function main() {
  if (!global.gc) throw new Error('Run with node --expose-gc.');
  const sizes = process.argv.slice(2).map(Number);
  const azurite = await startAzurite();
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  try {
    for (const n of sizes.length > 0 ? sizes : [10_000, 200_000]) {
      const container = service.getContainerClient(`journal-memory-${n}`);
      await write(container, n);
      const before = heapAfterGc();
      const started = Date.now();
      const reader = new BlobJournal(container);
      const read = reader.summary ? await reader.summary() : await reader.entries();
      const kept = heapAfterGc() - before;
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `${n} removals (${2 * n + 1} entries): the journal keeps ${(kept / MB).toFixed(1)} MB of heap after reading (${seconds.toFixed(1)} s; ${reader.summary ? 'summary' : 'entries'})`
      );
      if (!read) throw new Error('nothing read');
    }
  } finally {
    await azurite.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
