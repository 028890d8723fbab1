// Benchmark: what `verify` holds once it has read a generated tenant, and what proposing waves holds on
// top of it, measured as heapUsed after a full gc (the simulator's own tenant is in the baseline and
// subtracted). One child process per build, so the figures do not mix.
//
//   npm run build && BENCH_USERS=100000 node bench/verify-memory.js
//   ... VERIFY_BEFORE=main node bench/verify-memory.js   (also builds `main` into a temporary folder once
//   and measures it first, for a before/after on the same tenant; the two must print the same check)
//
// The tenant is the simulator's `--generate users=N,grouped=100%,seed=1` with a licensing group for each
// Office SKU holding every direct holder of it, but none for EMS yet: the middle of a migration, where
// nearly every Office assignment may go (a candidate each) and nearly every user must keep EMS.
const { fork } = require('node:child_process');
const { createHash } = require('node:crypto');
const path = require('node:path');

const { buildRef } = require('./build-ref');

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const MB = 1024 * 1024;

function tenantMidMigration(lib, users) {
  const { generateTenant, parseGeneratorSpec } = require(
    `${lib}/simulator/scenarios/generated-tenant`
  );
  const { deterministicId } = require(`${lib}/simulator/deterministic-id`);
  const tenant = generateTenant(parseGeneratorSpec(`users=${users},grouped=100%,seed=1`));
  for (const sku of tenant.subscribedSkus) {
    if (sku.skuPartNumber === 'EMS') continue;
    if (tenant.groups.some((g) => g.licenses.some((l) => l.skuId === sku.skuId))) continue;
    tenant.groups.push({
      id: deterministicId(`bench-verify-group-${sku.skuPartNumber}`),
      displayName: `LIC-${sku.skuPartNumber}`,
      description: 'Licensing group of the bench',
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      members: tenant.users
        .filter((u) => u.licenses.some((l) => l.skuId === sku.skuId))
        .map((u) => u.id),
      licenses: [{ skuId: sku.skuId, disabledPlans: [] }],
    });
  }
  return tenant;
}

function heapAfterGc() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

async function measure(lib) {
  const { TenantSimulator } = require(`${lib}/simulator/simulator-server`);
  const { createGraphClient } = require(`${lib}/graph/graph-client`);
  const { GraphTenantReader } = require(`${lib}/graph/graph-tenant-reader`);
  const { LOOPBACK_CERTIFICATE_PATH } = require(`${lib}/simulator/loopback-certificate`);
  const { DEVELOPMENT_TOKEN } = require(`${lib}/simulator/development-token`);
  const { verifyDirectRemovals } = require(`${lib}/engine/verify-removals`);
  const waves = require(`${lib}/domain/waves`);
  const simulator = new TenantSimulator({
    tenant: tenantMidMigration(lib, USERS),
    throttling: false,
  });
  const baseUrl = await simulator.start();
  const reader = new GraphTenantReader(
    createGraphClient(
      {
        baseUrl,
        credential: { kind: 'development-token', token: DEVELOPMENT_TOKEN },
        trustedCertificatePath: LOOPBACK_CERTIFICATE_PATH,
      },
      { writableForMs: () => Infinity }
    )
  );
  // One read first, so what the simulator and the client build lazily is in the baseline, not in verify.
  await reader.forEachUser(() => undefined);
  const baseline = heapAfterGc();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const started = Date.now();
  const result = await verifyDirectRemovals(reader);
  const verifyMs = Date.now() - started;
  clearInterval(sampler);
  const held = heapAfterGc() - baseline;
  // Proposing waves: the default sizes over every candidate user, as `waves` does.
  const compact = typeof result.candidates.userCount === 'number';
  const userCount = compact
    ? result.candidates.userCount
    : new Set(result.candidates.map((c) => c.userId)).size;
  const sizes = waves.defaultWaveSizes(userCount);
  const split = compact
    ? require(`${lib}/domain/wave-candidates`).splitCandidatesIntoWaves(result.candidates, sizes)
    : waves.splitIntoWaves(result.candidates, sizes);
  const withWaves = heapAfterGc() - baseline;
  const kept = compact ? result.kept : result.users.filter((u) => u.decision === 'skip').length;
  const check = createHash('sha256')
    .update(JSON.stringify([result.summary, kept, split.map((w) => [w.userCount, w.digest])]))
    .digest('hex')
    .slice(0, 16);
  await simulator.stop();
  return {
    verifyMs,
    heldMb: held / MB,
    peakMb: (peak - baseline) / MB,
    withWavesMb: withWaves / MB,
    candidates: result.candidates.length,
    kept,
    waves: split.length,
    check,
  };
}

function runChild(label, lib) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', lib], { execArgv: ['--expose-gc'] });
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
    if (process.env.VERIFY_BEFORE)
      builds.push([
        process.env.VERIFY_BEFORE,
        buildRef(process.env.VERIFY_BEFORE, 'verify-memory'),
      ]);
    builds.push(['this tree', path.join(__dirname, '..', 'lib')]);
    console.log(`verify over ${USERS.toLocaleString('en-US')} generated users (throttling off)`);
    console.log(
      '| build | verify (ms) | held after gc (MB) | + waves split (MB) | peak heap in verify (MB) | candidates | kept | waves | check |'
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const [label, lib] of builds) {
      const r = await runChild(label, lib);
      const row = [r.label, r.verifyMs, r.heldMb.toFixed(1), r.withWavesMb.toFixed(1)];
      row.push(r.peakMb.toFixed(1), r.candidates, r.kept, r.waves, r.check);
      console.log(`| ${row.join(' | ')} |`);
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
