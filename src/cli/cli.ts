import '../silence-restify-deprecation';
import { ConfigError, graphIsOnLoopback, readGraphSettings } from '../config';
import { describeAutomation } from '../domain/automation';
import { productName } from '../domain/product-names';
import { TenantReads } from '../engine/migration-engine';
import { graphAppId } from '../graph/graph-settings';
import { WaveSizeError } from '../domain/waves';
import { csvCell } from '../csv';
import { errorText } from '../error-text';
import { READ_ONLY } from '../engine/ports/write-fence';
import { createGraphClient } from '../graph/graph-client';
import { AUDIT_LOG_CEILING, GraphTenantReader } from '../graph/graph-tenant-reader';
import { WritePacer } from '../graph/write-pacer';
import { GraphPreflightProbe } from '../graph/graph-preflight-probe';
import { preflightLineText } from '../domain/preflight';
import { planOutput } from './plan-output';
import { CLI_USAGE, CliUsageError, parseCliArguments, type CliArguments } from './cli-arguments';

/**
 * The command line over the same engine as the bot, for scripting and reports. Read-only: it never
 * removes a license (waves are released only through approvals in Teams).
 */

async function run(args: CliArguments): Promise<void> {
  const env = {
    ...process.env,
    ...(args.graphUrl ? { GRAPH_BASE_URL: args.graphUrl } : {}),
    ...(args.token ? { GRAPH_TOKEN: args.token } : {}),
  };
  const simulator = graphIsOnLoopback(env)
    ? (await import('../simulator/simulator-defaults')).TENANT_SIMULATOR_DEFAULTS
    : undefined;
  const graph = readGraphSettings(env, simulator);
  const client = createGraphClient(graph, READ_ONLY);
  const reads = new TenantReads({
    reader: new GraphTenantReader(
      client,
      graphAppId(graph.credential),
      new WritePacer(AUDIT_LOG_CEILING)
    ),
    // Read-only like every command here: the write permissions are left to `doctor` in Teams.
    preflight: {
      probe: new GraphPreflightProbe(client, graph.baseUrl),
      adminGroupId: process.env.ADMIN_GROUP_ID?.trim() || null,
      approverGroupId: process.env.APPROVER_GROUP_ID?.trim() || null,
      channelIsSet: null,
      probeStorage: null,
    },
  });
  if (args.command === 'doctor') {
    const report = await reads.preflight();
    if (args.json) console.log(JSON.stringify(report));
    else report.lines.forEach((line) => console.log(preflightLineText(line)));
    if (!report.ready) process.exitCode = 1;
    return;
  }
  if (args.command === 'inventory') {
    const inventory = await reads.inventory();
    if (args.json) return void console.log(JSON.stringify(inventory, null, 2));
    const rows = inventory.skus.map((s) => [
      productName(s.skuPartNumber),
      s.skuPartNumber,
      s.prepaidUnits,
      s.consumedUnits,
      s.availableUnits,
      s.directOnly,
      s.inheritedOnly,
      s.both,
    ]);
    const header = ['product', 'sku', 'seats', 'used', 'free', 'direct only', 'group only', 'both'];
    if (args.csv)
      return void [header, ...rows].forEach((r) => console.log(r.map(csvCell).join(',')));
    console.log(
      `${inventory.userCount} users, ${inventory.licensedUserCount} licensed. Nothing was changed.`
    );
    for (const row of rows)
      console.log(
        `  ${row[0]} (${row[1]}): ${row[2]} seats, ${row[3]} used, ${row[4]} free; direct only ${row[5]}, group only ${row[6]}, both ${row[7]}`
      );
    inventory.automation.forEach((finding) => console.log(`  ! ${describeAutomation(finding)}`));
    if (inventory.auditLogProblem) console.log(`  ! ${inventory.auditLogProblem}`);
    return;
  }
  if (args.command === 'plan') {
    const { plan, rules } = await reads.plan();
    planOutput(plan, rules, args.json).forEach((line) => console.log(line));
    return;
  }
  if (args.command === 'errors') {
    const rows = await reads.errors();
    if (args.json) return void console.log(JSON.stringify({ errors: rows }));
    if (rows.length === 0) return void console.log('No group member is in license error.');
    for (const row of rows) {
      console.log(
        `${row.userPrincipalName} in ${row.groupName}: ${row.error}. ${row.cause} Fix: ${row.fix}`
      );
    }
    return;
  }
  if (args.command === 'waves') {
    const { waves } = await reads.previewWaves(args.sizes ?? undefined);
    if (args.json) {
      return void console.log(
        JSON.stringify({
          waves: waves.map((w) => ({
            number: w.number,
            users: w.userCount,
            assignments: w.entries.length,
            digest: w.digest,
          })),
        })
      );
    }
    console.log(
      'Removal waves (proposed; each is released only by an approver in Teams, never from here):'
    );
    for (const w of waves)
      console.log(
        `  wave ${w.number}: ${w.userCount} users, ${w.entries.length} direct assignments, digest ${w.digest.slice(0, 12)}`
      );
    return;
  }
  const result = await reads.verify();
  if (args.json)
    return void console.log(JSON.stringify({ users: result.users, summary: result.summary }));
  if (args.csv || args.command === 'report') {
    console.log(['id', 'userPrincipalName', 'skuId', 'decision', 'reason'].join(','));
    for (const row of result.users)
      console.log(
        [row.id, row.userPrincipalName, row.skuId, row.decision, row.reason].map(csvCell).join(',')
      );
    return;
  }
  for (const [sku, counts] of Object.entries(result.summary)) {
    console.log(
      `${productName(sku)} (${sku}): ${counts.remove} direct assignments could go, ${counts.skip} must stay.`
    );
  }
  for (const row of result.users.filter((r) => r.decision === 'skip')) {
    console.log(`  keep ${row.userPrincipalName}: ${row.reason}`);
  }
  console.log('Nothing was changed.');
}

async function main(): Promise<void> {
  try {
    await run(parseCliArguments(process.argv.slice(2)));
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof WaveSizeError) {
      console.error(`${error.message}\n${CLI_USAGE}`);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      console.error(
        `Configuration error: ${error.message.replace(/^GRAPH_BASE_URL/, '--graph-url (or GRAPH_BASE_URL)')}`
      );
      process.exit(2);
    }
    console.error(
      `Could not read the tenant from Microsoft Graph: ${errorText(error)}. Nothing was changed.`
    );
    process.exit(1);
  }
}

void main();
