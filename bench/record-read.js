// Benchmark: what a `status`-like read of the migration record costs, with every wave's contents inline
// (before issue 17: the record as main writes it) and with them in blobs of their own (after), for waves
// summing to BENCH_USERS users (default 100,000; 1.2 direct assignments per user, as the demo tenant
// has). Each read is a fresh store (no 304 cache): Azurite's download and the parse, BENCH_READS times
// (default 50). The record also holds the approved group plan: its members' ids inline (before) or in a
// blob of their own (after), printed apart.
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');

const lib = (file) => require(path.join(__dirname, '..', 'lib', file));
const { NEW_MIGRATION_RECORD, planDigest, replaceProposedWaves } = lib('domain/migration-record');
const { storedGroupOf } = lib('domain/stored-plan');
const { splitIntoWaves, defaultWaveSizes } = lib('domain/waves');
const { startAzurite } = lib('demo/azurite');
const { BlobMigrationStore } = lib('storage/blob-migration-store');
const { BlobServiceClient } = require('@azure/storage-blob');
const { percentile } = require('./bench-tenant');

const USERS = Number(process.env.BENCH_USERS ?? 100000);
const READS = Number(process.env.BENCH_READS ?? 50);
const SKU_EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e';
const SKU_E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const adele = { id: 'adele', name: 'Adele Vance' };

const idOf = (i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** EMS for everyone, Office 365 E3 for every fifth user: 1.2 assignments a user. */
function candidates() {
  const entries = [];
  for (let i = 0; i < USERS; i++) {
    const user = {
      userId: idOf(i),
      userPrincipalName: `user${i}@contoso.example`,
      disabledPlans: [],
    };
    entries.push({ ...user, skuId: SKU_EMS });
    if (i % 5 === 0) entries.push({ ...user, skuId: SKU_E3 });
  }
  return entries;
}

/** The record main wrote: each wave's contents inline (its replaceProposedWaves kept `entries`). */
const inline = (record, waves) => ({
  ...record,
  waves: record.waves.map((w, i) => ({ ...w, entries: waves[i].entries })),
});

/**
 * The record with an approved group plan (EMS for everyone, Office 365 E3 for every fifth user): each
 * group's members inline (before issue 17's plan step: every member's id in the record) or in a blob of
 * their own (after: counts and sample names; the blob is named by `membersDigest`).
 */
function withPlan(record, membersInBlob) {
  const ids = Array.from({ length: USERS }, (_, i) => idOf(i));
  const group = (displayName, skuId, userIds) => ({
    skuId,
    skuPartNumber: displayName,
    disabledPlans: [],
    displayName,
    mailNickname: displayName.toLowerCase().replace(/ /g, '-'),
    existingGroupId: null,
    userIds,
    toAdd: userIds.length,
    sampleUserPrincipalNames: userIds.slice(0, 5).map((id) => `${id}@contoso.example`),
  });
  const groups = [
    group('EMS', SKU_EMS, ids),
    group(
      'O365 E3',
      SKU_E3,
      ids.filter((_, i) => i % 5 === 0)
    ),
  ];
  const digest = planDigest(groups);
  return {
    ...record,
    assign: {
      status: 'completed',
      digest,
      approvalId: 'assign-1',
      ...(membersInBlob
        ? { groups: groups.map(storedGroupOf), membersDigest: digest }
        : { groups }),
    },
  };
}

async function timeReads(container, record) {
  await new BlobMigrationStore(container).write(
    record,
    (await new BlobMigrationStore(container).read()).etag
  );
  const text = JSON.stringify(record);
  const times = [];
  for (let i = 0; i < READS; i++) {
    const start = performance.now();
    await new BlobMigrationStore(container).read();
    times.push(performance.now() - start);
  }
  const parses = [];
  for (let i = 0; i < READS; i++) {
    const start = performance.now();
    JSON.parse(text);
    parses.push(performance.now() - start);
  }
  return {
    bytes: Buffer.byteLength(text),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    parse95: percentile(parses, 95),
  };
}

async function main() {
  const waves = splitIntoWaves(candidates(), defaultWaveSizes(USERS));
  const after = replaceProposedWaves(NEW_MIGRATION_RECORD, waves, adele);
  const before = inline(after, waves);
  const location = mkdtempSync(path.join(tmpdir(), 'azurite-bench-'));
  const azurite = await startAzurite({ location });
  try {
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString
    ).getContainerClient('bench');
    await container.createIfNotExists();
    const rows = [
      ['waves inline (before)', before],
      ['waves in blobs (after)', after],
      ['waves inline + group plan, members inline (before)', withPlan(before, false)],
      ['waves in blobs + group plan, members inline', withPlan(after, false)],
      ['waves in blobs + group plan, members in a blob (after)', withPlan(after, true)],
    ];
    console.log(
      `Record read (fresh store: download + parse), ${USERS.toLocaleString('en-US')} users in ${waves.length} waves, ${READS} reads each`
    );
    console.log('| record | size | read p50 | read p95 | parse alone p95 |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [label, record] of rows) {
      const r = await timeReads(container, record);
      console.log(
        `| ${label} | ${(r.bytes / 1e3).toFixed(1)} kB | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.parse95.toFixed(2)} ms |`
      );
    }
  } finally {
    await azurite.stop();
    rmSync(location, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
