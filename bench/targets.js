// Issue 17's targets, each computed from one benchmark run and set beside its result: met or missed.
// Pure: the run's measurements in, rows out (printed as markdown, kept as JSON).

/** Graph's write ceiling: 3,000 writes per 150 s per app per tenant. */
const CEILING_PER_SECOND = 3000 / 150;

/**
 * The least time a migration can take: every write it needs at the ceiling, plus Entra's processing of the
 * group licenses (the simulator's model, license-processor.ts: a group waits `queuedMs`, then its members
 * are licensed at `usersPerSecond`; groups are processed side by side, so the largest one is the longest).
 */
function lowerBound({ groups, removals }, processing) {
  const population = groups.reduce((sum, g) => sum + Math.ceil(g.added / 20), 0);
  const created = groups.filter((g) => g.created).length;
  const writes = population + created + groups.length + removals;
  const largest = Math.max(0, ...groups.map((g) => g.added));
  const writeSeconds = writes / CEILING_PER_SECOND;
  const processingSeconds = processing.queuedMs / 1000 + largest / processing.usersPerSecond;
  return {
    seconds: writeSeconds + processingSeconds,
    writes,
    writeSeconds,
    processingSeconds,
    formula:
      `(Σ⌈members/20⌉ ${population} + groups created ${created} + group licenses ${groups.length} + removals ${removals}` +
      ` = ${writes} writes) ÷ 20/s + queued ${processing.queuedMs / 1000} s + largest group ${largest} ÷ ${processing.usersPerSecond} users/s`,
  };
}

/** The naive script's end to end (inventory + removal) in Graph seconds, measured or extrapolated. */
function naiveEndToEnd(users, naive) {
  if (naive.measured)
    return { seconds: naive.inventorySeconds + naive.removalSeconds, how: 'measured' };
  if (!naive.usersPerSecond) return null;
  return {
    seconds: users / naive.usersPerSecond,
    how: `extrapolated from ${naive.usersPerSecond.toFixed(2)} users/s (${naive.source})`,
  };
}

const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Graph seconds as the README writes them: 42 s, 3.4 min, 1.2 h. */
const duration = (seconds) =>
  seconds >= 3600
    ? `${(seconds / 3600).toFixed(2)} h`
    : seconds >= 60
      ? `${(seconds / 60).toFixed(1)} min`
      : `${seconds.toFixed(0)} s`;

/**
 * The rows of the "against the targets" table. `run` holds: users; population { groups: [{ added,
 * created }], writes }; removals; waveSeconds (Σ of waves' running time, Graph s); throttled (the bot's
 * 429s, every phase); totalSeconds (inventory to the last wave done, Graph s); naive (see naiveEndToEnd,
 * or null); peakRssMb; statusP95Ms; processing (the simulator's model); followUpWaits ({ waits,
 * lagSeconds }: the follow-ups the next wave waited for, and the bot's replication-lag bound).
 */
function targetRows(run) {
  const rows = [];
  const row = (target, limit, result, met, note = '') =>
    rows.push({ target, limit, result, met, note });
  const { groups, writes } = run.population;
  const population = groups.reduce((sum, g) => sum + Math.ceil(g.added / 20), 0);
  const populationLimit = 1.05 * population + groups.length;
  row(
    'group population writes ≤ 1.05 × Σ⌈members/20⌉ + groups',
    `≤ ${fmt(populationLimit)}`,
    fmt(writes),
    writes <= populationLimit,
    `${fmt(groups.reduce((s, g) => s + g.added, 0))} members in ${groups.length} groups; Σ⌈members/20⌉ = ${fmt(population)}`
  );
  const rate = run.waveSeconds > 0 ? run.removals / run.waveSeconds : 0;
  row(
    'removals/s while a wave runs ≥ 95 % of 20/s',
    `≥ ${fmt(0.95 * CEILING_PER_SECOND, 1)}`,
    `${fmt(rate, 1)} (${fmt((rate / CEILING_PER_SECOND) * 100)} %)`,
    rate >= 0.95 * CEILING_PER_SECOND,
    `${fmt(run.removals)} removals in ${duration(run.waveSeconds)} of waves running`
  );
  row('requests failed for throttling (429)', '0', fmt(run.throttled), run.throttled === 0);
  const bound = lowerBound({ groups, removals: run.removals }, run.processing);
  row(
    'whole migration ≤ 1.25 × lower bound',
    `≤ ${duration(1.25 * bound.seconds)} (bound ${duration(bound.seconds)})`,
    `${duration(run.totalSeconds)} (${fmt(run.totalSeconds / bound.seconds, 2)} × bound)`,
    run.totalSeconds <= 1.25 * bound.seconds,
    `bound = ${bound.formula} = ${fmt(bound.writeSeconds)} s + ${fmt(bound.processingSeconds)} s` +
      followUpNote(run, bound)
  );
  const naive = run.naive ? naiveEndToEnd(run.users, run.naive) : null;
  row(
    '≥ 3 × faster end to end than the naive script',
    '≥ 3.0 ×',
    naive ? `${fmt(naive.seconds / run.totalSeconds, 2)} ×` : 'not run',
    naive ? naive.seconds >= 3 * run.totalSeconds : null,
    naive
      ? `naive ${duration(naive.seconds)} (inventory + removal, ${naive.how}) vs ${duration(run.totalSeconds)}`
      : 'no naive run in this invocation and no BENCH_NAIVE_RATE'
  );
  row('bot peak RSS', '≤ 512 MB', `${fmt(run.peakRssMb)} MB`, run.peakRssMb <= 512);
  row(
    '`status` p95 while a wave runs',
    '≤ 200 ms',
    `${fmt(run.statusP95Ms)} ms`,
    run.statusP95Ms <= 200
  );
  return { rows, bound };
}

/**
 * What the bot's follow-ups add by design with a soak of 0: each waits the replication-lag bound before it
 * reads (so a change made just before the check shows), and the next wave waits for it to be clean.
 */
function followUpNote(run, bound) {
  if (!run.followUpWaits) return '';
  const { waits, lagSeconds } = run.followUpWaits;
  const withWaits = bound.seconds + waits * lagSeconds;
  return (
    `; not in the bound, the follow-ups' lag waits before waves 2 to ${waits + 1}: ${waits} × ${lagSeconds} s, ` +
    `bound + waits = ${duration(withWaits)} (run ${fmt(run.totalSeconds / withWaits, 2)} × that)`
  );
}

/** The rows as a markdown table. */
function targetTable(rows) {
  const verdict = (met) => (met === null ? '—' : met ? '**met**' : '**missed**');
  return [
    '| target | limit | result | | how |',
    '|---|---:|---:|---|---|',
    ...rows.map(
      (r) => `| ${r.target} | ${r.limit} | ${r.result} | ${verdict(r.met)} | ${r.note} |`
    ),
  ].join('\n');
}

module.exports = {
  CEILING_PER_SECOND,
  duration,
  lowerBound,
  naiveEndToEnd,
  targetRows,
  targetTable,
};
