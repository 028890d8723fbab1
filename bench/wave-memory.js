// Benchmark: what a wave's run and its follow-up hold per user of the wave, measured as heapUsed after a
// full gc, in-process on synthetic data (no simulator, no network). One child process per build.
//
//   npm run build && BENCH_USERS=1000 node --expose-gc bench/wave-memory.js
//   ... WAVE_BEFORE=main node bench/wave-memory.js   (also builds `main` into a temporary folder once and
//   measures it first, for a before/after; the two must print the same check)
//
// The tenant has BENCH_USERS users; the wave is the last of the default sizes (at 500,000 users about
// 363,000). Each wave user holds E3 directly (for the wave) or only from the licensing group (for the
// follow-up, which reads the tenant's pages: a wave that big is most of the tenant).
// - follow-up lists: what the follow-up holds before its read (the wave's journal, its removals by user);
// - follow-up read: what it holds, on top, once the last page of the tenant has been read;
// - wave report: what the report of the wave's run holds when the run ends;
// - population sweep: what the group population keeps of its one sweep of the tenant (every user planned).
const { fork } = require('node:child_process');
const path = require('node:path');

const { buildRef } = require('./build-ref');

const USERS = Number(process.env.BENCH_USERS ?? 1_000);
const MB = 1024 * 1024;
const KB = 1024;
/** Runs a figure is the median of: many where the heap's own movement is as large as the data. */
const RUNS = USERS < 100_000 ? 9 : 1;
/** Under 100,000 users the heap is shown in kB. */
const UNIT = USERS < 100_000 ? KB : MB;
const UNIT_NAME = UNIT === KB ? 'kB' : 'MB';
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const GROUP = 'c0ffee00-0000-4000-8000-000000000001';
const userId = (i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const rows = (direct) =>
  [
    ...(direct ? [{ skuId: E3, assignedByGroup: null }] : []),
    { skuId: E3, assignedByGroup: GROUP },
  ].map((row) => ({ ...row, disabledPlans: [], state: 'Active', error: null }));
const user = (i, direct) => ({
  id: userId(i),
  userPrincipalName: `user${i}@contoso.com`,
  accountEnabled: true,
  usageLocation: 'US',
  licenseAssignmentStates: rows(direct),
  ruleAttributes: { department: `Department ${i % 40}`, country: 'US', jobTitle: 'Engineer' },
});

function heapAfterGc() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

const SKUS = [
  {
    skuId: E3,
    skuPartNumber: 'ENTERPRISEPACK',
    prepaidUnits: 1e7,
    consumedUnits: 0,
    servicePlans: [],
  },
];

/** The tenant's pages of 999 fresh user objects, as Graph sends them; heap measured after the last. */
function pagedReader(seen) {
  return {
    subscribedSkus: async () => SKUS,
    licensingGroupNames: async () => new Map([[GROUP, 'E3 for everyone']]),
    forEachUser: async (visit) => {
      seen.beforeRead = heapAfterGc();
      for (let start = 0; start < USERS; start += 999) {
        await null; // a page arrives later than the one before
        for (let i = start; i < Math.min(USERS, start + 999); i++) visit(user(i, false));
      }
      seen.afterRead = heapAfterGc();
    },
  };
}

async function followUpHeld(lib, waveUsers, baseline) {
  const { InMemoryJournal } = require(`${lib}/storage/in-memory-journal`);
  const { followUpWave } = require(`${lib}/engine/follow-up-wave`);
  const journal = new InMemoryJournal();
  const at = new Date().toISOString();
  for (let i = 0; i < waveUsers; i++) {
    const base = {
      waveNumber: 5,
      waveDigest: 'wave-5',
      userId: userId(i),
      skuId: E3,
      disabledPlans: [],
    };
    await journal.append({ kind: 'removal-intended', id: `i${i}`, at, ...base });
    await journal.append({
      kind: 'removal-outcome',
      id: `o${i}`,
      at,
      intentId: `i${i}`,
      outcome: 'removed',
      reason: 'Removed.',
    });
  }
  const wave = {
    number: 5,
    digest: 'wave-5',
    userCount: waveUsers,
    entries: [],
    status: 'completed',
  };
  const seen = {};
  const withJournal = heapAfterGc();
  const report = await followUpWave(wave, pagedReader(seen), memoryWriter(true), journal, {
    readBack: { delaysMs: [], sleep: async () => undefined },
    // Counted as the wave's size: the follow-up reads the tenant's pages at any scale (from ~10,000 users
    // it does anyway), and the sweep still visits every user of the tenant.
    tenantUsers: waveUsers,
  });
  return {
    journalMb: (withJournal - baseline) / UNIT,
    listsMb: seen.beforeRead === undefined ? '-' : (seen.beforeRead - withJournal) / UNIT,
    // Read user by user (a wave not most of the tenant): nothing is held of the tenant's pages.
    readMb: seen.afterRead === undefined ? 'per user' : (seen.afterRead - seen.beforeRead) / UNIT,
    check: [report.checked, report.usersGone, report.findings.length],
  };
}

/** A directory in memory: every user holds E3 directly (unless removed) and from the group; removals go. */
function memoryWriter(removedAll = false) {
  const removed = new Set();
  if (removedAll) removed.has = () => true;
  const read = (id) => ({
    kind: 'read',
    user: { ...user(Number(id.slice(-12)), !removed.has(id)) },
  });
  return {
    readUser: async (id) => read(id),
    readUsers: async (ids) => new Map(ids.map((id) => [id, read(id)])),
    removeDirectLicenses: async (id) => (removed.add(id), { kind: 'done' }),
    restoreDirectLicense: async () => ({ kind: 'done' }),
  };
}

async function waveReportHeld(lib, waveUsers) {
  const { InMemoryJournal } = require(`${lib}/storage/in-memory-journal`);
  const { executeWave } = require(`${lib}/engine/execute-wave`);
  const entries = Array.from({ length: waveUsers }, (_, i) => ({
    userId: userId(i),
    userPrincipalName: `user${i}@contoso.com`,
    skuId: E3,
    disabledPlans: [],
  }));
  const wave = { number: 5, digest: 'wave-5', userCount: waveUsers, entries };
  const journal = new InMemoryJournal();
  await journal.append({
    kind: 'wave-decision',
    id: 'a',
    at: new Date().toISOString(),
    waveNumber: 5,
    waveDigest: 'wave-5',
    decision: 'approved',
    by: 'bench',
  });
  const context = { skus: new Map([[E3, SKUS[0]]]), groupNames: new Map() };
  let report = await executeWave(wave, context, memoryWriter(), journal, {
    readBack: { delaysMs: [] },
  });
  const withReport = heapAfterGc();
  const counted = report.counts ? report.counts.removed : report.removed.length;
  report = null;
  const reportMb = (withReport - heapAfterGc()) / UNIT;
  return { reportMb, counted };
}

/** What the group population's one sweep keeps of the tenant's planned members (one group of all). */
async function populationHeld(lib) {
  const { populationReads } = require(`${lib}/engine/jobs/population-reads`);
  const ids = Array.from({ length: USERS }, (_, i) => userId(i));
  const seen = {};
  const record = { history: [{ users: USERS }] };
  const deps = {
    reader: pagedReader(seen),
    directoryWriter: memoryWriter(),
    store: { read: async () => ({ record }) },
  };
  const before = heapAfterGc();
  const readUsers = populationReads(deps, [{ userIds: ids }]);
  let reads = await readUsers(ids);
  const kept = [...reads.values()].filter((r) => r.kind === 'read').length;
  reads = null;
  const held = heapAfterGc() - before;
  const again = await readUsers(ids.slice(0, 10));
  return { sweepMb: held / UNIT, kept: kept + again.size };
}

/**
 * The median of each figure over several runs after a warm-up (code compiled on first use is not held
 * by the data): at a few thousand users the heap moves by a few hundred kB between runs on its own.
 */
async function measure(lib) {
  await measureOnce(lib);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measureOnce(lib));
  const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  const result = { ...runs[0] };
  for (const key of Object.keys(result))
    if (typeof result[key] === 'number') result[key] = median(key);
  return result;
}

async function measureOnce(lib) {
  const { defaultWaveSizes } = require(`${lib}/domain/waves`);
  const sizes = defaultWaveSizes(USERS);
  const waveUsers = USERS - sizes.slice(0, -1).reduce((n, s) => n + s, 0);
  const followUp = await followUpHeld(lib, waveUsers, heapAfterGc());
  const wave = await waveReportHeld(lib, waveUsers);
  const population = await populationHeld(lib);
  return {
    waveUsers,
    ...followUp,
    sweepMb: population.sweepMb,
    reportMb: wave.reportMb,
    check: JSON.stringify([...followUp.check, wave.counted, population.kept]),
  };
}

function runChild(label, lib) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', lib], {
      execArgv: ['--expose-gc', '--no-flush-bytecode'],
    });
    child.once('message', (result) => resolve({ label, ...result }));
    child.once('exit', (code) => code !== 0 && reject(new Error(`${label} failed (${code})`)));
  });
}

if (process.argv[2] === '--child') {
  measure(process.argv[3]).then(
    (result) => process.send(result, () => process.exit(0)),
    (error) => {
      console.error(error);
      process.exit(1);
    }
  );
} else {
  (async () => {
    const builds = [];
    if (process.env.WAVE_BEFORE)
      builds.push([process.env.WAVE_BEFORE, buildRef(process.env.WAVE_BEFORE, 'wave-memory')]);
    builds.push(['this tree', path.join(__dirname, '..', 'lib')]);
    console.log(
      `a wave and its follow-up in a tenant of ${USERS.toLocaleString('en-US')} users (in memory)`
    );
    console.log(
      `| build | wave users | journal (${UNIT_NAME}) | follow-up lists (${UNIT_NAME}) | follow-up read (${UNIT_NAME}) | wave report (${UNIT_NAME}) | population sweep (${UNIT_NAME}) | check |`
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const [label, lib] of builds) {
      const r = await runChild(label, lib);
      const row = [
        r.label,
        r.waveUsers,
        r.journalMb,
        r.listsMb,
        r.readMb,
        r.reportMb,
        r.sweepMb,
      ].map((v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : v));
      console.log(`| ${row.join(' | ')} | ${r.check} |`);
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
