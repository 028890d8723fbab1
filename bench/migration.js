// Benchmark: the whole migration at tenant scale against Graph's real throttling limits, time-scaled.
// For each size, the production bot (started as App Service starts it: bench/production-start.js) runs
// inventory, the group assignment and every removal wave against the tenant simulator (limits and Graph's
// latency on, time running BENCH_TIME_SCALE times faster), with Azurite for its state in this process
// (bench/bot-run.js). Then the naive strategy of Microsoft's Graph PowerShell sample (per-user reads and
// writes, one at a time) runs on a fresh copy of the same tenant (bench/naive-script.js). Prints markdown,
// each of issue 17's targets beside its result (bench/targets.js), and with BENCH_JSON=<file> the same
// as JSON; bench/RESULTS.md keeps runs.
const { writeFileSync } = require('node:fs');

const { LATENCY, tenantOf } = require('./bench-tenant');
const { runBot } = require('./bot-run');
const { meter, since } = require('./graph-meter');
const { idleByCause } = require('./graph-timeline');
const { runNaive } = require('./naive-script');
const { productionCommandLine } = require('./production-start');
const { CEILING_PER_SECOND, duration, targetRows, targetTable } = require('./targets');

const SIZES = (process.env.BENCH_USERS ?? '1000,10000,100000').split(',').map(Number);
// 10x: faster starves two cores (Graph's 20 writes/s become hundreds a real second), and measures the CPU.
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);
/** The naive baseline sends one request at a time; past this size it would take too long to wait for. */
const NAIVE_MAX = Number(process.env.BENCH_NAIVE_MAX ?? 10000);
/** The naive script's users per Graph second end to end, for sizes it is not run at (else: measured here). */
const NAIVE_RATE = process.env.BENCH_NAIVE_RATE ? Number(process.env.BENCH_NAIVE_RATE) : null;
/** How often (real ms) the approver looks for a card to click: "at once" to within this. */
const CLICK_POLL_MS = Number(process.env.BENCH_CLICK_POLL_MS ?? 20);
/** Entra ID applies group licenses at about this pace (simulated); queued for this long first. */
const PROCESSING = { queuedMs: 30_000, usersPerSecond: 100 };
/**
 * How far Entra's replicas lag (simulated s): the simulator's reads lag this much and the bot is told the
 * same bound (GRAPH_REPLICATION_LAG_SECONDS), as an operator sets it for their tenant; 5 s as in the demo.
 */
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 5);

const badSize = SIZES.find((users) => !Number.isInteger(users) || users < 1 || users > 1_000_000);
if (badSize !== undefined) {
  console.error(
    `BENCH_USERS must be sizes from 1 to 1,000,000, separated by commas (got "${process.env.BENCH_USERS}"); nothing was run.`
  );
  process.exit(2);
}
if (!(LAG_SECONDS >= 0)) {
  console.error(
    `BENCH_LAG_SECONDS must be the replicas' lag in simulated seconds, 0 or more (got "${process.env.BENCH_LAG_SECONDS}"); nothing was run.`
  );
  process.exit(2);
}
if (NAIVE_RATE !== null && !(NAIVE_RATE > 0)) {
  console.error(
    `BENCH_NAIVE_RATE must be the naive script's users per Graph second, above 0 (got "${process.env.BENCH_NAIVE_RATE}"); nothing was run.`
  );
  process.exit(2);
}

/** Real ms of this run in Graph seconds. */
const graphSeconds = (realMs) => (realMs * SCALE) / 1000;

/** The command that reproduces this run. */
const command = () =>
  [
    ...Object.entries(process.env)
      .filter(([name]) => name.startsWith('BENCH_'))
      .sort()
      .map(([name, value]) => `${name}=${/[\s'"$]/.test(value) ? `'${value}'` : value}`),
    'node',
    ...process.execArgv,
    'bench/migration.js',
  ].join(' ');

/** The phases table: the bot's phases, then the naive script's beside them. */
function phaseTable(ours, naive) {
  const rate = (p) => p.removals / graphSeconds(p.realMs);
  const removalRate = (p) =>
    `${rate(p).toFixed(1)} (${((rate(p) / CEILING_PER_SECOND) * 100).toFixed(0)} %)`;
  const lines = [
    '| phase | requests | resource units | writes | throttled (429) | time | removals/s (of 20/s ceiling) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [name, p] of Object.entries(ours.phases))
    lines.push(
      `| ${name} | ${p.requests} | ${p.resourceUnits} | ${p.writes} | ${p.throttled} | ${duration(graphSeconds(p.realMs))} | ${name === 'waves' ? removalRate(p) : ''} |`
    );
  for (const [name, p] of Object.entries(naive?.phases ?? {})) {
    const ourPhase = ours.phases[name];
    lines.push(
      `| naive ${name} | ${p.requests} (${(p.requests / Math.max(1, ourPhase.requests)).toFixed(1)}x) | ${p.resourceUnits} | ${p.writes} | ${p.throttled} | ${duration(graphSeconds(p.realMs))} (${(p.realMs / Math.max(1, ourPhase.realMs)).toFixed(1)}x) | ${name === 'waves' ? removalRate(p) : ''} |`
    );
  }
  return lines.join('\n');
}

/** Where Graph sat idle (no request in flight, no processing), by what came before and after. */
function idleLines(ours) {
  const total = graphSeconds(ours.realMs);
  const idle = graphSeconds(ours.idle.idleMs);
  const aroundClicks = ours.idle.stretches.filter((s) =>
    s.marks.some((m) => m.startsWith('click'))
  );
  const clickIdle = graphSeconds(aroundClicks.reduce((sum, s) => sum + s.ms, 0));
  const causes = idleByCause(ours.idle.stretches).slice(0, 8);
  return [
    `Graph idle (no request of the bot in flight, no group license processing): ${duration(idle)} of ${duration(total)} ` +
      `(${((idle / total) * 100).toFixed(0)} %), in ${ours.idle.stretches.length} stretches; ` +
      `${duration(clickIdle)} of it in stretches with a sign-off click in them (${ours.signOffs.length} cards, clicked within ${CLICK_POLL_MS} ms real of being clickable). Largest causes:`,
    ...causes.map((c) => `- ${duration(graphSeconds(c.ms))} in ${c.count} stretch(es): ${c.cause}`),
  ].join('\n');
}

/** The naive script's measured or extrapolated end to end, for the target. */
function naiveFor(users, naive, largestNaive) {
  if (naive)
    return {
      measured: true,
      inventorySeconds: graphSeconds(naive.phases.inventory.realMs),
      removalSeconds: graphSeconds(naive.phases.waves.realMs),
    };
  if (NAIVE_RATE)
    return { measured: false, usersPerSecond: NAIVE_RATE, source: 'BENCH_NAIVE_RATE' };
  if (largestNaive)
    return {
      measured: false,
      usersPerSecond: largestNaive.usersPerSecond,
      source: `the ${largestNaive.users.toLocaleString('en-US')}-user naive run above`,
    };
  return null;
}

async function benchmark(users, largestNaive) {
  const tenant = tenantOf(users);
  const processing = PROCESSING;
  const ours = await runBot({
    tenant,
    scale: SCALE,
    processing,
    latency: LATENCY,
    lagSeconds: LAG_SECONDS,
    clickPollMs: CLICK_POLL_MS,
  });
  const naive =
    users <= NAIVE_MAX
      ? await runNaive({
          tenant: tenantOf(users),
          scale: SCALE,
          processing,
          latency: LATENCY,
          meter,
          since,
        })
      : null;
  // One write per user whose direct licenses go (assignLicense removes all of a user's SKUs at once).
  const removals = ours.phases.waves.removals;
  const run = {
    users,
    population: ours.population,
    removals,
    waveSeconds: graphSeconds(ours.waves.reduce((sum, w) => sum + w.runningMs, 0)),
    throttled: Object.values(ours.phases).reduce((sum, p) => sum + p.throttled, 0),
    totalSeconds: graphSeconds(ours.realMs),
    naive: naiveFor(users, naive, largestNaive),
    peakRssMb: ours.peakRssMb,
    statusP95Ms: ours.status.p95,
    processing,
    // Each follow-up waits the replicas' lag bound before it reads (GRAPH_REPLICATION_LAG_SECONDS).
    followUpWaits: { waits: Math.max(0, ours.waves.length - 1), lagSeconds: LAG_SECONDS },
  };
  return { ours, naive, run, ...targetRows(run) };
}

function print(users, { ours, naive, rows }) {
  console.log(`\n### ${users.toLocaleString('en-US')} users\n`);
  console.log(phaseTable(ours, naive));
  if (naive)
    console.log(
      `\nNaive requests that failed for throttling (after the SDK's retries): ${naive.failedForThrottling}.`
    );
  else console.log(`\nNaive script not run (above BENCH_NAIVE_MAX=${NAIVE_MAX}).`);
  const minimumInventory = Math.ceil((users + 2) / 999) + 2; // pages of users, SKUs, audit log
  console.log(
    `Inventory requests: ${ours.phases.inventory.requests} (minimum ${minimumInventory}). ` +
      `${ours.waves.length} waves (${ours.waves.map((w) => w.users).join(', ')} users). ` +
      `status while waves ran (asked from a thread of its own): p50 ${ours.status.p50} ms, p95 ${ours.status.p95} ms (${ours.status.samples} samples). ` +
      `Requests by kind (waves): ${ours.phases.waves.kinds
        .slice(0, 6)
        .map(([k, n]) => `${k} ${n}`)
        .join('; ')}.`
  );
  console.log(`\n#### Against the targets (${users.toLocaleString('en-US')} users, this run)\n`);
  console.log(targetTable(rows));
  console.log(`\n${idleLines(ours)}`);
}

(async () => {
  console.log(`Command: ${command()}`);
  console.log(`The bot started as in production: ${productionCommandLine()}.`);
  console.log(
    `Migration at tenant scale: Graph's limits on, Graph's latency ${LATENCY ? 'on' : 'off'}, simulated time ${SCALE}x real time (times below are scaled back to real time), replicas ${LAG_SECONDS} s behind (the bot told so). ` +
      `Entra's processing model: queued ${PROCESSING.queuedMs / 1000} s, then ${PROCESSING.usersPerSecond} users/s per group.`
  );
  const results = [];
  let largestNaive = null;
  for (const users of SIZES) {
    const result = await benchmark(users, largestNaive);
    if (result.run.naive?.measured && users >= (largestNaive?.users ?? 0))
      largestNaive = {
        users,
        usersPerSecond:
          users / (result.run.naive.inventorySeconds + result.run.naive.removalSeconds),
      };
    print(users, result);
    results.push(jsonOf(result));
    // BENCH_JSON=<file>: every size so far, written after each so a long run leaves what it measured.
    if (process.env.BENCH_JSON)
      writeFileSync(
        process.env.BENCH_JSON,
        `${JSON.stringify({ command: command(), at: new Date().toISOString(), scale: SCALE, lagSeconds: LAG_SECONDS, latency: Boolean(LATENCY), processing: PROCESSING, production: productionCommandLine(), sizes: results }, null, 2)}\n`
      );
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

/** One size's results as JSON: the targets, the phases (kinds as objects), the idle causes. */
function jsonOf({ ours, naive, run, rows, bound }) {
  const phase = (p) => ({
    ...p,
    graphSeconds: graphSeconds(p.realMs),
    kinds: Object.fromEntries(p.kinds),
  });
  const phases = (ps) => Object.fromEntries(Object.entries(ps).map(([n, p]) => [n, phase(p)]));
  return {
    users: run.users,
    targets: rows,
    lowerBound: bound,
    run,
    phases: phases(ours.phases),
    naive: naive
      ? { phases: phases(naive.phases), failedForThrottling: naive.failedForThrottling }
      : null,
    waves: ours.waves,
    status: ours.status,
    signOffs: ours.signOffs,
    idle: {
      graphSeconds: graphSeconds(ours.idle.idleMs),
      causes: idleByCause(ours.idle.stretches).map((c) => ({
        ...c,
        graphSeconds: graphSeconds(c.ms),
      })),
    },
  };
}
