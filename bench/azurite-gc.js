// How long Azurite's garbage collection (a mark-and-sweep of its extents, every 10 minutes on its one
// thread) blocks it once a journal holds N removals: why the migration bench starts Azurite without it.
//
//   npm run build --silent && node bench/azurite-gc.js 20000
//
// Azurite's blob server runs on this thread here (nothing here patches Node's http, unlike the bot), so
// its collector can be timed directly.
const path = require('node:path');
const { URL } = require('node:url');

const lib = (file) => require(path.join(__dirname, '..', 'lib', file));
const { BlobJournal } = lib('storage/blob-journal');
const { openContainer } = lib('storage/blob-container');
/* Azurite ships no entry point for its blob server alone; these are the modules its CLI uses. */
const BlobConfiguration = require('azurite/dist/src/blob/BlobConfiguration').default;
const BlobServer = require('azurite/dist/src/blob/BlobServer').default;

const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const AT = '2026-11-30T10:00:00.000Z';
/** A wave's round trip journals 20 intents, then their 20 outcomes. */
const ROUND_TRIP = 20;

function removal(i) {
  return {
    kind: 'removal-intended',
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    at: AT,
    waveNumber: 1,
    waveDigest: 'digest-1',
    userId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
    disabledPlans: [],
  };
}

async function main() {
  const removals = Number(process.argv[2] ?? 20000);
  const configuration = new BlobConfiguration(
    '127.0.0.1',
    0,
    undefined,
    undefined,
    undefined,
    [{ locationId: 'Default', locationPath: '.', maxConcurrency: 10 }],
    false,
    undefined,
    false,
    undefined,
    true,
    true,
    '',
    '',
    '',
    undefined,
    false,
    true
  );
  const server = new BlobServer(configuration);
  await server.start();
  const port = new URL(server.getHttpServerAddress()).port;
  const container = openContainer({
    kind: 'connection-string',
    connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
    container: 'journal',
  });
  await container.createIfNotExists();
  const journal = new BlobJournal(container);
  for (let start = 0; start < removals; start += ROUND_TRIP) {
    const intents = Array.from({ length: ROUND_TRIP }, (_, i) => removal(start + i));
    await journal.appendMany(intents);
    await journal.appendMany(
      intents.map((e) => ({
        kind: 'removal-outcome',
        id: `${e.id}-outcome`,
        at: AT,
        intentId: e.id,
        outcome: 'removed',
        reason: 'Removed: every check passed on fresh data.',
      }))
    );
  }
  // A small document written again on every message (the activities already taken), as in a run.
  const document = container.getBlockBlobClient('document');
  for (let i = 0; i < 2000; i++) await document.upload('x'.repeat(100_000), 100_000);
  const started = Date.now();
  await server.gcManager.markSweep();
  console.log(
    `${removals} removals in the journal: Azurite's mark-and-sweep held its thread ${Date.now() - started} ms.`
  );
  await server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
