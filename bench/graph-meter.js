// What Graph saw during a benchmark phase: requests by kind (a `$batch` item counts in its own kind too;
// a request answered 429 is not counted in its kind, as Graph does not count it as done), resource units,
// writes and 429s as the simulator charged them, and the removals that succeeded.
const { kindOf } = require('./graph-timeline');

function meter(simulator) {
  const kinds = new Map();
  let removals = 0;
  simulator.onResponse = (method, url, status) => {
    if (status === 429) return;
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

/** The difference between two snapshots: one phase. */
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

/** Requests of these kinds in a phase. */
const countOf = (phase, ...kinds) =>
  phase.kinds.filter(([kind]) => kinds.includes(kind)).reduce((sum, [, n]) => sum + n, 0);

module.exports = { countOf, meter, since };
