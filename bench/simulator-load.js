// Benchmark: how fast the tenant simulator loads a generated tenant, how much memory it holds, and how long
// a full paged read of every user takes through the real Graph client. One child process per size, so
// each RSS figure is that tenant's alone. Run with `npm run bench` (after `npm run build`).
const { fork } = require('node:child_process');
const path = require('node:path');

const SIZES = (process.env.BENCH_USERS ?? '1000,10000,100000').split(',').map(Number);

async function measure(users) {
  const {
    generateTenant,
    parseGeneratorSpec,
  } = require('../lib/simulator/scenarios/generated-tenant');
  const { TenantSimulator } = require('../lib/simulator/simulator-server');
  const { createGraphClient } = require('../lib/graph/graph-client');
  const { GraphTenantReader } = require('../lib/graph/graph-tenant-reader');
  const { LOOPBACK_CERTIFICATE_PATH } = require('../lib/simulator/loopback-certificate');
  const { DEVELOPMENT_TOKEN } = require('../lib/simulator/development-token');

  const startedAt = process.hrtime.bigint();
  const tenant = generateTenant(parseGeneratorSpec(`users=${users},seed=1`));
  const simulator = new TenantSimulator({ tenant, throttling: false });
  const loadMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  const baseUrl = await simulator.start();
  let requests = 0;
  simulator.onRequest = () => requests++;
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
  const readStart = process.hrtime.bigint();
  let seen = 0;
  await reader.forEachUser(() => seen++);
  const readMs = Number(process.hrtime.bigint() - readStart) / 1e6;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  await simulator.stop();
  return { users, loadMs, readMs, requests, seen, rssMb };
}

if (process.argv[2] === '--child') {
  measure(Number(process.argv[3])).then(
    (result) => process.send(result),
    (error) => {
      console.error(error);
      process.exit(1);
    }
  );
} else {
  (async () => {
    console.log(
      'Tenant simulator: load, memory and a full paged user read ($top=999) through the Graph client'
    );
    console.log('| users | load (ms) | RSS after read (MB) | full read (ms) | requests |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const users of SIZES) {
      const result = await new Promise((resolve, reject) => {
        const child = fork(path.join(__filename), ['--child', String(users)]);
        child.once('message', resolve);
        child.once(
          'exit',
          (code) => code !== 0 && reject(new Error(`benchmark for ${users} users failed`))
        );
      });
      const row = [
        result.users,
        result.loadMs.toFixed(0),
        result.rssMb.toFixed(0),
        result.readMs.toFixed(0),
        result.requests,
      ];
      console.log(`| ${row.join(' | ')} |`);
      if (result.seen !== users) throw new Error(`read ${result.seen} of ${users} users`);
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
