// Benchmark: how long each command's turn takes to answer (the HTTP answer of POST /api/messages, which
// is what Teams waits for: it delivers the turn again after 15 s), against the 2 s target, at
// BENCH_TURN_USERS users (default 10,000). The production bot (started as App Service starts it, its own process)
// runs as in the demo: the tenant simulator with Graph's throttling on and its clock BENCH_TIME_SCALE
// times faster, Azurite for its state, notifications in a channel. Each command is sent BENCH_TURNS
// times (default 10), every time once the bot has gone quiet (its background work posted); commands
// that change something are sent once, at their step of a migration. Prints markdown.
const { createServer } = require('node:http');
const { performance } = require('node:perf_hooks');
const path = require('node:path');

const lib = (file) => require(path.join(__dirname, '..', 'lib', file));
const { TenantSimulator } = lib('simulator/simulator-server');
const { DEMO_PEOPLE, DEMO_TENANT_ID } = lib('simulator/scenarios/demo-tenant');
const { startAzurite } = lib('demo/azurite');
const { BlobMigrationStore } = lib('storage/blob-migration-store');
const { openContainer } = lib('storage/blob-container');

const USERS = Number(process.env.BENCH_TURN_USERS ?? 10000);
const TURNS = Number(process.env.BENCH_TURNS ?? 10);
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 60);
const TARGET_MS = 2000;
const { LATENCY, percentile, tenantOf } = require('./bench-tenant');
const { startProductionBot } = require('./production-start');
/** The bot has gone quiet when the connector heard nothing from it for this long. */
const QUIET_MS = 500;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Teams' connector: answers every call, lists the two people as the team, notes when it last heard. */
async function connectorStandIn() {
  let counter = 0;
  const connector = { lastHeardAt: Date.now() };
  const server = createServer((req, res) => {
    connector.lastHeardAt = Date.now();
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (/\/pagedmembers/.test(req.url ?? '')) {
        const members = [DEMO_PEOPLE.admin, DEMO_PEOPLE.approver1].map((p) => ({
          id: `29:${p.id}`,
          name: p.name,
          aadObjectId: p.id,
        }));
        res.end(JSON.stringify({ members }));
      } else res.end(JSON.stringify({ id: `sent-${++counter}` }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  connector.url = `http://127.0.0.1:${server.address().port}/`;
  connector.stop = () => server.close();
  return connector;
}

/** A channel post @mentioning the bot (or a click, with `extra`), as Teams delivers it. */
function activity(serviceUrl, person, extra) {
  const mention = '<at>License Migration</at>';
  return {
    type: 'message',
    id: `m-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${person.id}`, name: person.name, aadObjectId: person.id },
    recipient: { id: '28:bot', name: 'License Migration' },
    conversation: {
      id: '19:license-migration@thread.tacv2;messageid=1700000000000',
      conversationType: 'channel',
      isGroup: true,
      tenantId: DEMO_TENANT_ID,
    },
    channelData: {
      tenant: { id: DEMO_TENANT_ID },
      team: { id: '19:it-admins@thread.tacv2' },
      channel: { id: '19:license-migration@thread.tacv2' },
    },
    entities: [
      { type: 'mention', text: mention, mentioned: { id: '28:bot', name: 'License Migration' } },
    ],
    ...extra,
    ...(extra.text !== undefined ? { text: `${mention} ${extra.text}` } : {}),
  };
}

async function main() {
  const azurite = await startAzurite({ collectGarbage: false });
  const simulator = new TenantSimulator({
    tenant: tenantOf(USERS),
    timeScale: SCALE,
    timings: { queuedMs: 30_000, usersPerSecond: 100 },
    latency: LATENCY,
  });
  const graphUrl = await simulator.start();
  const connector = await connectorStandIn();
  const bot = await startProductionBot({
    graphUrl,
    storageConnectionString: azurite.connectionString,
    timeScale: SCALE,
  });
  const post = async (body) => {
    const started = performance.now();
    const response = await fetch(bot.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // The answer's status line and headers end Teams' wait; the body is read for completeness.
    const ms = performance.now() - started;
    await response.text();
    if (response.status >= 300) throw new Error(`/api/messages answered ${response.status}`);
    return ms;
  };
  const quiet = async () => {
    const deadline = Date.now() + 120_000;
    while (Date.now() - connector.lastHeardAt < QUIET_MS && Date.now() < deadline) await sleep(50);
  };
  const turns = new Map();
  const say = async (text, times = 1) => {
    for (let i = 0; i < times; i++) {
      await quiet();
      const ms = await post(activity(connector.url, DEMO_PEOPLE.admin, { text }));
      const command = text.replace(/ .*/, (rest) => (/^ \d/.test(rest) ? ' N' : rest));
      turns.set(command, [...(turns.get(command) ?? []), ms]);
    }
  };
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
      const click = {
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
      };
      const ms = await post(activity(connector.url, DEMO_PEOPLE.approver1, click));
      turns.set('(Approve click)', [...(turns.get('(Approve click)') ?? []), ms]);
    }
  };
  const until = async (condition, what) => {
    for (;;) {
      const { record } = await store.read();
      if (condition(record)) return;
      if (bot.child.exitCode !== null)
        throw new Error(`The bot stopped during ${what}: ${bot.output}`);
      await approvePending();
      await sleep(200);
    }
  };

  await say('notify here');
  for (const command of ['help', 'status', 'inventory', 'plan', 'verify', 'errors'])
    await say(command, TURNS);
  await say('assign');
  await until(
    (r) => r.assign && ['completed', 'failed'].includes(r.assign.status),
    'the group assignment'
  );
  // Once the groups hold the licenses, verify and errors have every user to look at.
  for (const command of ['verify', 'errors', 'status']) await say(command, TURNS);
  await say('waves 25,rest');
  await say('wave 1', TURNS);
  await say('report', TURNS);
  await say('pause');
  await say('resume');
  await say('something else', TURNS);
  await quiet();

  await bot.stop();
  await simulator.stop();
  connector.stop();
  await azurite.stop();

  console.log(`## Turn times at ${USERS.toLocaleString('en-US')} users\n`);
  console.log('| command | turns | p50 (ms) | p95 (ms) | max (ms) | target | |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const [command, times] of turns) {
    const p95 = percentile(times, 95);
    console.log(
      `| \`${command}\` | ${times.length} | ${Math.round(percentile(times, 50))} | ${Math.round(p95)} | ${Math.round(Math.max(...times))} | ${TARGET_MS} | ${p95 <= TARGET_MS ? 'met' : '**missed**'} |`
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
