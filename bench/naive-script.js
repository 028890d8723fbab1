// The baseline: Microsoft's Graph PowerShell sample in effect. Every user read on its own, every removal sent
// on its own, one request at a time, on a fresh copy of the same tenant with the same groups (made the bot's
// way, outside the measurement, and processed before it starts).
const path = require('node:path');

const lib = (file) => require(path.join(__dirname, '..', 'lib', file));
const { TenantSimulator } = lib('simulator/simulator-server');
const { createGraphClient } = lib('graph/graph-client');
const { GraphTenantReader } = lib('graph/graph-tenant-reader');
const { GraphGroupWriter } = lib('graph/graph-group-writer');
const { WritePacer } = lib('graph/write-pacer');
const { planGroups } = lib('engine/plan-groups');
const { populateAndAssign } = lib('engine/populate-and-assign');
const { waitForProcessing } = lib('engine/wait-for-processing');
const { LOOPBACK_CERTIFICATE_PATH } = lib('simulator/loopback-certificate');
const { DEVELOPMENT_TOKEN } = lib('simulator/development-token');

/**
 * Runs the naive script on `tenant`; `meter(simulator)` counts what Graph saw, `since(a, b)` a phase.
 * Returns its inventory and removal phases and the requests that failed for throttling.
 */
async function runNaive({ tenant, scale, processing, latency, meter, since }) {
  const simulator = new TenantSimulator({ tenant, timeScale: scale, timings: processing, latency });
  const baseUrl = await simulator.start();
  const client = createGraphClient(
    {
      baseUrl,
      credential: { kind: 'development-token', token: DEVELOPMENT_TOKEN },
      trustedCertificatePath: LOOPBACK_CERTIFICATE_PATH,
    },
    { writableForMs: () => Infinity }
  );
  const writer = new GraphGroupWriter(
    client,
    baseUrl,
    new WritePacer({ writes: 3000, windowMs: 150_000 / scale })
  );
  const populated = await populateAndAssign(
    await planGroups(new GraphTenantReader(client)),
    writer
  );
  // Entra's processing at the model's rate, in real time: scaled with the tenant's size.
  const processingRealMs =
    (processing.queuedMs + (1000 * tenant.users.length) / processing.usersPerSecond) / scale;
  await waitForProcessing(
    populated.groups.map((g) => g.groupId),
    writer,
    { pollMs: 500, timeoutMs: 600_000 + 4 * processingRealMs }
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

module.exports = { runNaive };
