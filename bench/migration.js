// Benchmark: the whole migration at tenant scale against Graph's real throttling limits, time-scaled.
// For each size, the production bot (`node lib/index.js`, its own process, so its RSS is its own) runs
// inventory, the group assignment and every removal wave against the tenant simulator (limits on, time
// running BENCH_TIME_SCALE times faster), with Azurite for its state in this process. Approvals are
// clicked as an approver would; `status` is asked every 250 ms while the waves run. Then the naive
// strategy of Microsoft's Graph PowerShell sample (per-user reads and writes, one at a time) runs on
// a fresh copy of the same tenant, for the ratios. Prints markdown; bench/RESULTS.md keeps a run.
const { spawn } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const path = require('node:path');

const lib = (file) => require(path.join(__dirname, '..', 'lib', file));
const { TenantSimulator } = lib('simulator/simulator-server');
const { DEMO_PEOPLE, DEMO_TENANT_ID } = lib('simulator/scenarios/demo-tenant');
const { startAzurite } = lib('demo/azurite');
const { BlobMigrationStore } = lib('storage/blob-migration-store');
const { openContainer } = lib('storage/blob-container');
const { createGraphClient } = lib('graph/graph-client');
const { GraphTenantReader } = lib('graph/graph-tenant-reader');
const { GraphGroupWriter } = lib('graph/graph-group-writer');
const { WritePacer } = lib('graph/write-pacer');
const { planGroups } = lib('engine/plan-groups');
const { populateAndAssign, waitForProcessing } = lib('engine/populate-and-assign');
const { LOOPBACK_CERTIFICATE_PATH } = lib('simulator/loopback-certificate');
const { DEVELOPMENT_TOKEN } = lib('simulator/development-token');

const SIZES = (process.env.BENCH_USERS ?? '1000,10000,100000').split(',').map(Number);
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 60);
/** The naive baseline sends one request at a time; past this size it would take too long to wait for. */
const NAIVE_MAX = Number(process.env.BENCH_NAIVE_MAX ?? 10000);
const { ADMIN_GROUP, APPROVER_GROUP, LATENCY, percentile, tenantOf } = require('./bench-tenant');
const CEILING_PER_SECOND = 3000 / 150;
/** Entra ID applies group licenses at about this pace (simulated); queued for this long first. */
const PROCESSING = { queuedMs: 30_000, usersPerSecond: 100 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What Graph saw: requests by kind (a `$batch` item counts in its own kind too), units, writes, 429s. */
function meter(simulator) {
  const kinds = new Map();
  let removals = 0;
  const kindOf = (method, url) =>
    `${method} ${url
      .replace(/^https?:\/\/[^/]+/, '')
      .replace(/^\/v1\.0/, '')
      .replace(/\?.*$/, '')
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{id}')}`;
  simulator.onResponse = (method, url, status) => {
    const kind = kindOf(method, url);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (kind === 'POST /users/{id}/assignLicense' && status === 200) removals += 1;
  };
  let requests = 0;
  simulator.onRequest = () => (requests += 1);
  return {
    snapshot: () => ({
      at: Date.now(),
      requests,
      kinds: new Map(kinds),
      removals,
      ...simulator.usage,
    }),
  };
}

function since(before, after) {
  const kinds = [...after.kinds]
    .map(([kind, n]) => [kind, n - (before.kinds.get(kind) ?? 0)])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    realMs: after.at - before.at,
    requests: after.requests - before.requests,
    kinds,
    removals: after.removals - before.removals,
    resourceUnits: after.resourceUnits - before.resourceUnits,
    writes: after.writes - before.writes,
    throttled: after.throttled - before.throttled,
  };
}

async function connectorStandIn() {
  let counter = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${++counter}` }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() };
}

function activity(serviceUrl, person, extra) {
  return {
    type: 'message',
    id: `m-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${person.id}`, name: person.name, aadObjectId: person.id },
    recipient: { id: '28:bot', name: 'License Migration' },
    conversation: {
      id: `a:personal-${person.id}`,
      conversationType: 'personal',
      tenantId: DEMO_TENANT_ID,
    },
    channelData: { tenant: { id: DEMO_TENANT_ID } },
    ...extra,
  };
}

async function runBot(users) {
  const azurite = await startAzurite();
  const simulator = new TenantSimulator({
    tenant: tenantOf(users),
    timeScale: SCALE,
    timings: PROCESSING,
    latency: LATENCY,
    // e.g. BENCH_FAULTS='latency=5ms:100%': every answer 5 ms late (300 ms of Graph time at 60x).
    faults: process.env.BENCH_FAULTS,
  });
  const graphUrl = await simulator.start();
  const connector = await connectorStandIn();
  const port = 40000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'lib', 'index.js')], {
    env: {
      PATH: process.env.PATH,
      GRAPH_BASE_URL: graphUrl,
      GRAPH_TIME_SCALE: String(SCALE),
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      ADMIN_GROUP_ID: ADMIN_GROUP,
      APPROVER_GROUP_ID: APPROVER_GROUP,
      PORT: String(port),
      RUNNER_POLL_SECONDS: '0.2',
      RUNNER_RETRY_SECONDS: '1',
      // Each wave's follow-up as soon as it finishes (its reads count in the removal phase); the next
      // wave's sign-off goes through once it is clean.
      FOLLOW_UP_AFTER_MINUTES: '0',
      ALLOW_UNSAFE_TIMINGS: 'true',
      // e.g. --max-old-space-size=384, to see how the bot fares with a bounded heap
      NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS ?? '',
    },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  while (!/listening on/.test(output)) {
    if (child.exitCode !== null) throw new Error(`The bot did not start: ${output}`);
    await sleep(50);
  }
  const botUrl = `http://127.0.0.1:${port}/api/messages`;
  const post = async (body) => {
    const started = Date.now();
    const response = await fetch(botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.text();
    return Date.now() - started;
  };
  const say = (text) => post(activity(connector.url, DEMO_PEOPLE.admin, { text }));
  const store = new BlobMigrationStore(
    openContainer({
      kind: 'connection-string',
      connectionString: azurite.connectionString,
      container: 'license-migration',
    })
  );
  const approvePending = async () => {
    const { record } = await store.read();
    for (const request of record.approvals.filter((a) => a.status === 'pending')) {
      await post(
        activity(connector.url, DEMO_PEOPLE.approver1, {
          type: 'invoke',
          name: 'adaptiveCard/action',
          text: undefined,
          value: {
            action: {
              type: 'Action.Execute',
              verb: 'approve',
              data: { approvalId: request.id, digest: request.subject.digest },
            },
            trigger: 'manual',
          },
        })
      );
    }
  };
  const until = async (condition, what) => {
    for (;;) {
      const { record } = await store.read();
      if (condition(record)) return;
      if (child.exitCode !== null) throw new Error(`The bot stopped during ${what}: ${output}`);
      await approvePending();
      await sleep(200);
    }
  };

  const graph = meter(simulator);
  const phases = {};
  let mark = graph.snapshot();
  const phase = (name) => {
    const now = graph.snapshot();
    phases[name] = since(mark, now);
    mark = now;
  };

  await say('inventory');
  phase('inventory');
  const membersBefore = memberCount(simulator);
  await say('assign');
  await until(
    (r) => r.assign && ['completed', 'failed'].includes(r.assign.status),
    'the group assignment'
  );
  phase('assign');
  const population = {
    members: memberCount(simulator) - membersBefore,
    groups: Object.keys((await store.read()).record.assign?.groupIds ?? {}).length,
    writes: phases.assign.kinds.find(([kind]) => kind === 'PATCH /groups/{id}')?.[1] ?? 0,
  };
  await say('waves');
  const latencies = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      latencies.push(await say('status'));
      await sleep(250);
    }
  })();
  await until(
    (r) => r.waves.length > 0 && r.waves.every((w) => ['completed', 'stopped'].includes(w.status)),
    'the waves'
  );
  polling = false;
  await poller;
  phase('waves');
  const { record } = await store.read();
  const peakRssMb =
    Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) /
    1024;
  child.kill('SIGTERM');
  // BENCH_BOT_LOG=<file>: what the bot printed, to see why a run was slow.
  if (process.env.BENCH_BOT_LOG) writeFileSync(process.env.BENCH_BOT_LOG, output);
  await new Promise((resolve) => child.once('exit', resolve));
  await simulator.stop();
  connector.stop();
  await azurite.stop();
  return {
    phases,
    population,
    peakRssMb,
    status: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      samples: latencies.length,
    },
    waves: record.waves.map((w) => ({
      number: w.number,
      users: w.userCount,
      status: w.status,
      runningMs: Date.parse(w.finishedAt) - Date.parse(w.startedAt),
      ...w.result,
    })),
    assign: record.assign?.status,
  };
}

/** Members of every group in the tenant (direct). */
const memberCount = (simulator) =>
  [...simulator.directory.groups.values()].reduce((n, g) => n + g.members.size, 0);

/** Microsoft's PowerShell sample, in effect: every user read on its own, every removal sent on its own. */
async function runNaive(users) {
  const simulator = new TenantSimulator({
    tenant: tenantOf(users),
    timeScale: SCALE,
    timings: PROCESSING,
    latency: LATENCY,
  });
  const baseUrl = await simulator.start();
  const client = createGraphClient(
    {
      baseUrl,
      credential: { kind: 'development-token', token: DEVELOPMENT_TOKEN },
      trustedCertificatePath: LOOPBACK_CERTIFICATE_PATH,
    },
    { writableForMs: () => Infinity }
  );
  // The groups are made the same way for both, outside the measurement.
  const writer = new GraphGroupWriter(
    client,
    baseUrl,
    new WritePacer({ writes: 3000, windowMs: 150_000 / SCALE })
  );
  const populated = await populateAndAssign(
    await planGroups(new GraphTenantReader(client)),
    writer
  );
  await waitForProcessing(
    populated.groups.map((g) => g.groupId),
    writer,
    { pollMs: 500, timeoutMs: 3_600_000 }
  );
  const graph = meter(simulator);
  const phases = {};
  let mark = graph.snapshot();
  let failedForThrottling = 0;
  const call = async (request) => {
    try {
      return await request();
    } catch (error) {
      if (error.statusCode === 429) failedForThrottling += 1;
      else throw error;
      return null;
    }
  };
  // Inventory: list the users, then each one's license details.
  const ids = [];
  let page = await client.api('/users').select(['id']).top(999).get();
  for (;;) {
    ids.push(...page.value.map((u) => u.id));
    if (!page['@odata.nextLink']) break;
    page = await client.api(page['@odata.nextLink']).get();
  }
  for (const id of ids) await call(() => client.api(`/users/${id}/licenseDetails`).get());
  let now = graph.snapshot();
  phases.inventory = since(mark, now);
  mark = now;
  // Removal: read the user, then remove each direct SKU that a group also gives.
  for (const id of ids) {
    const user = await call(() =>
      client.api(`/users/${id}`).select(['id', 'licenseAssignmentStates']).get()
    );
    const states = user?.licenseAssignmentStates ?? [];
    const inherited = new Set(
      states.filter((s) => s.assignedByGroup && s.state === 'Active').map((s) => s.skuId)
    );
    const direct = states
      .filter((s) => !s.assignedByGroup && inherited.has(s.skuId))
      .map((s) => s.skuId);
    if (direct.length > 0)
      await call(() =>
        client.api(`/users/${id}/assignLicense`).post({ addLicenses: [], removeLicenses: direct })
      );
  }
  now = graph.snapshot();
  phases.waves = since(mark, now);
  await simulator.stop();
  return { phases, failedForThrottling };
}

const realTime = (ms) => {
  const seconds = (ms * SCALE) / 1000;
  return seconds >= 3600
    ? `${(seconds / 3600).toFixed(1)} h`
    : seconds >= 60
      ? `${(seconds / 60).toFixed(1)} min`
      : `${seconds.toFixed(0)} s`;
};
const writeRate = (p) => p.removals / ((p.realMs * SCALE) / 1000);

(async () => {
  console.log(
    `Migration at tenant scale: Graph's limits on, Graph's latency ${LATENCY ? 'on' : 'off'}, simulated time ${SCALE}x real time (times below are scaled back to real time).`
  );
  for (const users of SIZES) {
    const ours = await runBot(users);
    const naive = users <= NAIVE_MAX ? await runNaive(users) : null;
    console.log(`\n### ${users.toLocaleString('en-US')} users\n`);
    console.log(
      '| phase | requests | resource units | writes | throttled (429) | time | removals/s (of 20/s ceiling) |'
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, p] of Object.entries(ours.phases)) {
      const rate =
        name === 'waves'
          ? `${writeRate(p).toFixed(1)} (${((writeRate(p) / CEILING_PER_SECOND) * 100).toFixed(0)} %)`
          : '';
      console.log(
        `| ${name} | ${p.requests} | ${p.resourceUnits} | ${p.writes} | ${p.throttled} | ${realTime(p.realMs)} | ${rate} |`
      );
    }
    if (naive) {
      for (const [name, p] of Object.entries(naive.phases)) {
        const ourPhase = ours.phases[name];
        console.log(
          `| naive ${name} | ${p.requests} (${(p.requests / Math.max(1, ourPhase.requests)).toFixed(1)}x) | ${p.resourceUnits} | ${p.writes} | ${p.throttled} | ${realTime(p.realMs)} (${(p.realMs / Math.max(1, ourPhase.realMs)).toFixed(1)}x) | ${name === 'waves' ? `${writeRate(p).toFixed(1)} (${((writeRate(p) / CEILING_PER_SECOND) * 100).toFixed(0)} %)` : ''} |`
        );
      }
      console.log(
        `\nNaive requests that failed for throttling (after the SDK's retries): ${naive.failedForThrottling}.`
      );
    }
    const minimumInventory = Math.ceil((users + 2) / 999) + 2; // pages of users, SKUs, audit log
    console.log(
      `\nInventory requests: ${ours.phases.inventory.requests} (minimum ${minimumInventory}: ${(ours.phases.inventory.requests / minimumInventory).toFixed(2)}x). ` +
        `Removals: ${ours.phases.waves.removals} in ${ours.waves.length} waves (${ours.waves.map((w) => w.users).join(', ')} users), ` +
        `${(ours.phases.waves.removals / ((ours.waves.reduce((sum, w) => sum + w.runningMs, 0) * SCALE) / 1000)).toFixed(1)} removals/s while a wave runs ` +
        `(${((ours.phases.waves.removals / ((ours.waves.reduce((sum, w) => sum + w.runningMs, 0) * SCALE) / 1000) / CEILING_PER_SECOND) * 100).toFixed(0)} % of the ceiling). ` +
        `Bot peak RSS: ${ours.peakRssMb.toFixed(0)} MB. ` +
        `status while waves ran: p50 ${ours.status.p50} ms, p95 ${ours.status.p95} ms (${ours.status.samples} samples).`
    );
    const { members, groups, writes } = ours.population;
    const populationTarget = 1.05 * Math.ceil(members / 20) + groups;
    console.log(
      `Group population: ${members} members added to ${groups} groups in ${writes} writes ` +
        `(target ≤ 1.05 × ⌈members / 20⌉ + groups = ${populationTarget.toFixed(0)}: ${writes <= populationTarget ? 'met' : 'missed'}).`
    );
    console.log(
      `Requests by kind (waves): ${ours.phases.waves.kinds
        .slice(0, 6)
        .map(([k, n]) => `${k} ${n}`)
        .join('; ')}.`
    );
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
