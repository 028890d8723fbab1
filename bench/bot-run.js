// One migration by the production bot, as bench/migration.js measures it: the bot in its own process
// (started with production's Node flags, so its RSS is its own and bounded as in production) against the
// time-scaled tenant simulator, Azurite for its state, an approver who clicks each sign-off card as soon as
// it is there, and `status` asked every 250 ms while the waves run.
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const lib = (file) => require(path.join(__dirname, '..', 'lib', file));
const { TenantSimulator } = lib('simulator/simulator-server');
const { DEMO_PEOPLE, DEMO_TENANT_ID } = lib('simulator/scenarios/demo-tenant');
const { startAzurite } = lib('demo/azurite');
const { BlobMigrationStore } = lib('storage/blob-migration-store');
const { openContainer } = lib('storage/blob-container');
const { waveBlocker } = lib('domain/migration-record');
const { percentile } = require('./bench-tenant');
const { meter, since, countOf } = require('./graph-meter');
const { graphTimeline } = require('./graph-timeline');
const { startProductionBot } = require('./production-start');
const { startStatusPoller } = require('./status-poller');
const { connectorStandIn } = require('./connector-stand-in');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** The admin's and the approver's side: commands, clicks on every pending card, waits on the record. */
function people({ bot, connector, store, timeline, clickPollMs }) {
  const post = async (body) => {
    const started = Date.now();
    const response = await fetch(bot.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.text();
    return Date.now() - started;
  };
  const say = (text) => {
    if (text !== 'status') timeline.mark(`say ${text}`);
    return post(activity(connector.url, DEMO_PEOPLE.admin, { text }));
  };
  const click = (request) =>
    post(
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
  // A card is clicked once, as soon as the bot would take the click (a wave's, once the follow-up before
  // it is clean): a click it refuses costs a Graph call (the approver's membership) and proves nothing.
  // One still pending 2 s after its click is clicked again.
  const clicked = new Map();
  const clickable = (record, request) =>
    request.status === 'pending' &&
    !(Date.now() - (clicked.get(request.id) ?? -Infinity) < 2000) &&
    (request.subject.kind !== 'wave' || waveBlocker(record, request.subject.waveNumber) === null);
  // The record is read only if it changed (its ETag), so looking often costs little.
  const until = async (condition, what) => {
    for (;;) {
      const { record } = await store.read();
      if (condition(record)) return record;
      if (bot.child.exitCode !== null)
        throw new Error(`The bot stopped during ${what}: ${bot.output}`);
      for (const request of record.approvals.filter((a) => clickable(record, a))) {
        clicked.set(request.id, Date.now());
        timeline.mark(`click ${request.subject.kind}`);
        await click(request);
      }
      await sleep(clickPollMs);
    }
  };
  return { say, until };
}

/** Peak RSS of a process (its high-water mark), in MB. */
const peakRssMbOf = (pid) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Each licensing group's members before the assignment (absent: it did not exist). */
const membersByGroup = (simulator) =>
  new Map([...simulator.directory.groups.values()].map((g) => [g.id, g.members.size]));

/** The bot's migration of `tenant`: phases, population, timings, memory, `status` latency, idle. */
async function runBot({ tenant, scale, processing, latency, lagSeconds, clickPollMs }) {
  const azurite = await startAzurite({ collectGarbage: false });
  const simulator = new TenantSimulator({
    tenant,
    timeScale: scale,
    timings: processing,
    latency,
    replicationLagMs: lagSeconds * 1000,
    // e.g. BENCH_FAULTS='latency=5ms:100%': every answer 5 ms late (300 ms of Graph time at 60x).
    faults: process.env.BENCH_FAULTS,
  });
  const graphUrl = await simulator.start();
  const connector = await connectorStandIn();
  const bot = await startProductionBot({
    graphUrl,
    storageConnectionString: azurite.connectionString,
    timeScale: scale,
    env: {
      GRAPH_REPLICATION_LAG_SECONDS: String(lagSeconds),
      // More flags to try, after production's own (e.g. --max-old-space-size=256).
      NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS ?? '',
    },
  });
  const store = new BlobMigrationStore(
    openContainer({
      kind: 'connection-string',
      connectionString: azurite.connectionString,
      container: 'license-migration',
    })
  );
  // BENCH_TRACE=<file>: every request's start and end, and the bench's marks, to trace an idle stretch.
  const timeline = graphTimeline(simulator, { trace: Boolean(process.env.BENCH_TRACE) });
  const { say, until } = people({ bot, connector, store, timeline, clickPollMs });
  // `status` from a thread of its own (bench/status-poller.js), as the admin's Teams client would ask.
  const startStatus = () =>
    startStatusPoller({
      botUrl: bot.url,
      activity: activity(connector.url, DEMO_PEOPLE.admin, { text: 'status' }),
    });
  const measured = await migrate({ simulator, timeline, say, until, startStatus });
  const peakRssMb = peakRssMbOf(bot.child.pid);
  await bot.stop();
  if (process.env.BENCH_TRACE)
    writeFileSync(
      process.env.BENCH_TRACE,
      measured.idle.events.map(([ms, what]) => `${(ms / 1000).toFixed(3)} ${what}`).join('\n')
    );
  delete measured.idle.events;
  await simulator.stop();
  connector.stop();
  await azurite.stop();
  return { ...measured, peakRssMb };
}

/** Inventory, assignment and every wave, clicked through; what each phase cost. */
async function migrate({ simulator, timeline, say, until, startStatus }) {
  const graph = meter(simulator);
  const phases = {};
  let mark = graph.snapshot();
  const phase = (name, next) => {
    const now = graph.snapshot();
    phases[name] = since(mark, now);
    mark = now;
    timeline.phase(next);
  };
  const startedAt = Date.now();
  timeline.phase('inventory');
  await say('inventory');
  // The turn may answer before the inventory ends (its result then comes as a message of its own): the
  // phase ends with the inventory's last read, the audit log's.
  const audit = 'GET /auditLogs/directoryAudits';
  const giveUpAt = Date.now() + 5 * 60_000;
  while (countOf(since(mark, graph.snapshot()), audit) === 0 && Date.now() < giveUpAt)
    await sleep(20);
  phase('inventory', 'assign');
  const before = membersByGroup(simulator);
  await say('assign');
  const assigned = await until(
    (r) => r.assign && ['completed', 'failed'].includes(r.assign.status),
    'the group assignment'
  );
  phase('assign', 'waves');
  const groups = Object.values(assigned.assign.groupIds ?? {}).map((id) => ({
    added: (simulator.directory.groups.get(id)?.members.size ?? 0) - (before.get(id) ?? 0),
    created: !before.has(id),
  }));
  const populationWrites = countOf(
    phases.assign,
    'PATCH /groups/{id}',
    'POST /groups/{id}/members/$ref'
  );
  await say('waves');
  const poller = startStatus();
  const record = await until(
    (r) => r.waves.length > 0 && r.waves.every((w) => ['completed', 'stopped'].includes(w.status)),
    'the waves'
  );
  const latencies = await poller.stop();
  phase('waves', 'end');
  const finishedAt = Math.max(...record.waves.map((w) => Date.parse(w.finishedAt)));
  return {
    phases,
    population: { groups, writes: populationWrites },
    realMs: finishedAt - startedAt,
    idle: timeline.stop(),
    signOffs: record.approvals.map((a) => ({
      kind: a.subject.kind,
      waitMs: Date.parse(a.decidedAt ?? a.requestedAt) - Date.parse(a.requestedAt),
    })),
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

module.exports = { runBot };
