import '../silence-restify-deprecation';
import { ConfigError, graphIsOnLoopback, readGraphSettings } from '../config';
import { TenantReads } from '../engine/migration-engine';
import { graphAppId } from '../graph/graph-settings';
import { WaveSizeError } from '../domain/waves';
import { errorText } from '../error-text';
import { READ_ONLY } from '../engine/ports/write-fence';
import { createGraphClient } from '../graph/graph-client';
import { AUDIT_LOG_CEILING, GraphTenantReader } from '../graph/graph-tenant-reader';
import { WritePacer } from '../graph/write-pacer';
import { GraphPreflightProbe } from '../graph/graph-preflight-probe';
import { CLI_COMMAND_RUNNERS } from './cli-commands';
import { CLI_USAGE, CliUsageError, parseCliArguments, type CliArguments } from './cli-arguments';

/**
 * The command line over the same engine as the bot, for scripting and reports. Read-only: it never
 * removes a license (waves are released only through approvals in Teams).
 */

/** The engine's reads over Graph, for the tenant the arguments (or the environment) name. */
async function tenantReadsFor(args: CliArguments): Promise<TenantReads> {
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
  return new TenantReads({
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
}

async function run(args: CliArguments): Promise<void> {
  await CLI_COMMAND_RUNNERS[args.command](await tenantReadsFor(args), args);
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
