// How production starts the bot, read from the one place that says it: the App Service startup command in
// infra/azure.bicep (`appCommandLine`). The benchmarks start the bot with the same Node flags (the heap
// bound among them), so the memory they measure is the memory production would use; startProductionBot
// is the one place that starts it so.
const { spawn } = require('node:child_process');
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const { ADMIN_GROUP, APPROVER_GROUP } = require('./bench-tenant');

const BICEP = path.join(__dirname, '..', 'infra', 'azure.bicep');
const BOT_SCRIPT = path.join(__dirname, '..', 'lib', 'index.js');

/** The App Service startup command, e.g. `node --max-old-space-size=384 lib/index.js`. */
function productionCommandLine() {
  const line = /^\s*appCommandLine: '([^']+)'/m.exec(readFileSync(BICEP, 'utf8'))?.[1];
  if (!line)
    throw new Error(`No appCommandLine in ${BICEP}: cannot start the bot as production does.`);
  return line;
}

/** The Node flags of the production start (between `node` and the script). */
function productionNodeFlags() {
  const [program, ...rest] = productionCommandLine().split(/\s+/);
  if (program !== 'node')
    throw new Error(`The production start does not run node directly: ${productionCommandLine()}`);
  return rest.filter((word) => word.startsWith('--'));
}

/**
 * The memory allocator's settings App Service gives the process (its `MALLOC_*` app settings), e.g.
 * `{ MALLOC_MMAP_THRESHOLD_: '131072' }`: the C library reads them from the environment at start.
 */
function productionAllocatorSettings() {
  const settings = {};
  const text = readFileSync(BICEP, 'utf8');
  for (const [, name, value] of text.matchAll(/name: '(MALLOC_\w+)'\s*\n\s*value: '([^']*)'/g))
    settings[name] = value;
  return settings;
}

/** The heap bound (MB) the production start gives Node, or null if it gives none. */
function productionHeapMb() {
  const flag = productionNodeFlags().find((f) => f.startsWith('--max-old-space-size='));
  return flag ? Number(flag.split('=')[1]) : null;
}

/**
 * The production bot in its own process, as App Service starts it (production's Node flags), set up for a
 * benchmark: the bench tenant's admin and approver groups, a runner that polls often, each wave's follow-up
 * as soon as it finishes. `env` adds to (or overrides) that environment. Resolves once the bot listens;
 * `output` holds everything it printed so far, `stop()` ends it.
 */
async function startProductionBot({ graphUrl, storageConnectionString, timeScale, env = {} }) {
  const port = 40000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [...productionNodeFlags(), BOT_SCRIPT], {
    env: {
      ...productionAllocatorSettings(),
      PATH: process.env.PATH,
      GRAPH_BASE_URL: graphUrl,
      GRAPH_TIME_SCALE: String(timeScale),
      STORAGE_CONNECTION_STRING: storageConnectionString,
      ADMIN_GROUP_ID: ADMIN_GROUP,
      APPROVER_GROUP_ID: APPROVER_GROUP,
      PORT: String(port),
      RUNNER_POLL_SECONDS: '0.2',
      RUNNER_RETRY_SECONDS: '1',
      // Each wave's follow-up as soon as it finishes (its reads count in the removal phase); the next
      // wave's sign-off goes through once it is clean.
      FOLLOW_UP_AFTER_MINUTES: '0',
      ALLOW_UNSAFE_TIMINGS: 'true',
      ...env,
    },
  });
  const bot = {
    child,
    output: '',
    url: `http://127.0.0.1:${port}/api/messages`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
  // BENCH_BOT_LOG=<file>: each line the bot prints, stamped with the real time, written as it comes (a bot
  // that runs out of memory leaves its last words there).
  const log = process.env.BENCH_BOT_LOG;
  if (log) writeFileSync(log, '');
  const printed = (chunk) => {
    bot.output += chunk;
    const at = new Date().toISOString();
    const lines = String(chunk).split('\n').filter(Boolean);
    if (log) appendFileSync(log, lines.map((line) => `${at} ${line}\n`).join(''));
  };
  child.stdout.on('data', printed);
  child.stderr.on('data', printed);
  while (!/listening on/.test(bot.output)) {
    if (child.exitCode !== null) throw new Error(`The bot did not start: ${bot.output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return bot;
}

module.exports = {
  productionAllocatorSettings,
  productionCommandLine,
  productionHeapMb,
  productionNodeFlags,
  startProductionBot,
};
