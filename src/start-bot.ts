import type { BotSettings } from './config';
import { errorText } from './error-text';
import { createGraphClient } from './graph/graph-client';
import { graphAppId } from './graph/graph-settings';
import { AUDIT_LOG_CEILING, GraphTenantReader } from './graph/graph-tenant-reader';
import { GraphDirectoryMembership } from './graph/graph-directory-membership';
import { GraphDirectoryWriter } from './graph/graph-directory-writer';
import { GraphGroupWriter } from './graph/graph-group-writer';
import { GraphPreflightProbe } from './graph/graph-preflight-probe';
import { GRAPH_WRITE_CEILING, WritePacer } from './graph/write-pacer';
import { openBlobState } from './storage/bot-state';
import { startBotServer, type BotServerOptions, type RunningBotServer } from './teams/bot-server';

/** Something start-up could not do that is not a malformed setting, said in one sentence. */
export class StartupError extends Error {}

/** Builds the parts from checked settings and starts listening. */
export async function startBot(
  settings: BotSettings,
  log: (line: string) => void = console.log,
  options: Partial<Pick<BotServerOptions, 'state' | 'timings' | 'now'>> = {}
): Promise<RunningBotServer & { tenantId: string }> {
  const state = options.state ?? (settings.storage ? openBlobState(settings.storage, log) : null);
  if (!state)
    throw new StartupError(
      'Set STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_URL: the migration state and its journal must survive restarts.'
    );
  // Every write leaves only while this instance holds the runner lease: the lease fences the client.
  const client = createGraphClient(settings.graph, state.lease);
  // The audit log's own limit (5 requests / 10 s), in Graph's time like the write ceiling.
  const reader = new GraphTenantReader(
    client,
    graphAppId(settings.graph.credential),
    new WritePacer({
      writes: AUDIT_LOG_CEILING.writes,
      windowMs: AUDIT_LOG_CEILING.windowMs / settings.graphTimeScale,
      arrivalSpreadMs: AUDIT_LOG_CEILING.arrivalSpreadMs / settings.graphTimeScale,
    })
  );
  // One pacer: Graph's write ceiling is per app and tenant, whichever writer spends it.
  const pacer = new WritePacer({
    writes: GRAPH_WRITE_CEILING.writes,
    windowMs: GRAPH_WRITE_CEILING.windowMs / settings.graphTimeScale,
    arrivalSpreadMs: GRAPH_WRITE_CEILING.arrivalSpreadMs / settings.graphTimeScale,
  });
  let tenantId = settings.tenantId;
  if (tenantId === null) {
    try {
      tenantId = await reader.organizationId();
    } catch (error) {
      const reason = errorText(error);
      throw new StartupError(
        `Could not read the tenant id from Graph at ${settings.graph.baseUrl} (${reason}); set TENANT_ID or check GRAPH_BASE_URL and the Graph credential.`
      );
    }
  }
  try {
    const server = await startBotServer({
      ...options,
      state,
      settings,
      tenantId,
      reader,
      groupWriter: new GraphGroupWriter(client, settings.graph.baseUrl, pacer, state.lease),
      directoryWriter: new GraphDirectoryWriter(client, settings.graph.baseUrl, pacer, state.lease),
      membership: new GraphDirectoryMembership(client),
      preflightProbe: new GraphPreflightProbe(client, settings.graph.baseUrl),
      log,
    });
    return { ...server, tenantId };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError(
        `Port ${settings.port} on ${settings.host} is already in use; set PORT to a free port.`
      );
    }
    throw error;
  }
}
