import { randomUUID } from 'node:crypto';
import type { BotSettings } from './config';
import { readBackDelaysFor } from './domain/read-freshness';
import type { DirectoryMembership } from './engine/ports/directory-membership';
import type { DirectoryWriter } from './engine/ports/directory-writer';
import type { GroupWriter } from './engine/ports/group-writer';
import { MigrationEngine } from './engine/migration-engine';
import { MigrationRunner } from './engine/migration-runner';
import type { PreflightProbe } from './engine/preflight';
import type { TenantReader } from './engine/ports/tenant-reader';
import { errorText } from './error-text';
import { createGraphClient } from './graph/graph-client';
import { graphAppId } from './graph/graph-settings';
import { AUDIT_LOG_CEILING, GraphTenantReader } from './graph/graph-tenant-reader';
import { GraphDirectoryMembership } from './graph/graph-directory-membership';
import { GraphDirectoryWriter } from './graph/graph-directory-writer';
import { GraphGroupWriter } from './graph/graph-group-writer';
import { GraphPreflightProbe } from './graph/graph-preflight-probe';
import { GRAPH_WRITE_CEILING, WritePacer } from './graph/write-pacer';
import { openBlobState, type BotState } from './storage/bot-state';
import { notifierStoresIn } from './storage/notifier-stores';
import { StoredDocument } from './storage/stored-document';
import type { DeliveredActivityIds } from './teams/delivered-activities';
import { probeStorage } from './storage/storage-probe';
import { createBotAdapter, type BotAdapter } from './teams/bot-adapter';
import { startBotServer } from './teams/bot-server';
import { ChannelNotifier } from './teams/channel-notifier';

/** Something start-up could not do that is not a malformed setting, said in one sentence. */
export class StartupError extends Error {}

/** Tests speed these up. */
export interface BotTimings {
  readonly notifySpacingMs?: number;
  /** The first wait before Teams is asked again (it doubles). */
  readonly notifyRetryMs?: number;
  readonly processingPollMs?: number;
  /** How long a new dynamic group's members must stay the same to count as computed. */
  readonly membershipQuietMs?: number;
  readonly retryMs?: number;
  readonly pollMs?: number;
  readonly answerWithinMs?: number;
}

export interface StartBotOptions {
  /** Bot, conversation and migration state, the journal and the runner lease. */
  readonly state: BotState;
  readonly timings: BotTimings;
  readonly now: () => Date;
}

export interface RunningBot {
  /** e.g. http://127.0.0.1:3978 */
  readonly url: string;
  readonly tenantId: string;
  /** Resolves when the background migration work and queued notifications are done (tests). */
  idle(): Promise<void>;
  /** Whether this instance holds the runner lease (it alone runs approved work). */
  runsApprovedWork(): boolean;
  stop(): Promise<void>;
}

/** The directory's adapters, as the engine's ports. */
interface DirectoryPorts {
  readonly reader: TenantReader;
  readonly groupWriter: GroupWriter;
  readonly directoryWriter: DirectoryWriter;
  readonly membership: DirectoryMembership;
  readonly preflightProbe: PreflightProbe;
}

/**
 * The composition root: builds every part from checked settings (Graph's adapters, storage, the Teams
 * notifier, the runner and the engine), hands Teams the built engine, and starts listening.
 */
export async function startBot(
  settings: BotSettings,
  log: (line: string) => void = console.log,
  options: Partial<StartBotOptions> = {}
): Promise<RunningBot> {
  const state = options.state ?? (settings.storage ? openBlobState(settings.storage, log) : null);
  if (!state)
    throw new StartupError(
      'Set STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_URL: the migration state and its journal must survive restarts.'
    );
  const ports = graphPorts(settings, state);
  const tenantId = settings.tenantId ?? (await readTenantId(settings, ports.reader));
  try {
    return await startParts(settings, log, {
      state,
      timings: options.timings ?? {},
      now: options.now ?? (() => new Date()),
      ports,
      tenantId,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError(
        `Port ${settings.port} on ${settings.host} is already in use; set PORT to a free port.`
      );
    }
    throw error;
  }
}

function graphPorts(settings: BotSettings, state: BotState): DirectoryPorts {
  // Every write leaves only while this instance holds the runner lease: the lease fences the client.
  const client = createGraphClient(settings.graph, state.lease);
  // One pacer: Graph's write ceiling is per app and tenant, whichever writer spends it.
  const pacer = new WritePacer({
    writes: GRAPH_WRITE_CEILING.writes,
    windowMs: GRAPH_WRITE_CEILING.windowMs / settings.graphTimeScale,
    arrivalSpreadMs: GRAPH_WRITE_CEILING.arrivalSpreadMs / settings.graphTimeScale,
  });
  return {
    // The audit log's own limit (5 requests / 10 s), in Graph's time like the write ceiling.
    reader: new GraphTenantReader(
      client,
      graphAppId(settings.graph.credential),
      new WritePacer({
        writes: AUDIT_LOG_CEILING.writes,
        windowMs: AUDIT_LOG_CEILING.windowMs / settings.graphTimeScale,
        arrivalSpreadMs: AUDIT_LOG_CEILING.arrivalSpreadMs / settings.graphTimeScale,
      })
    ),
    groupWriter: new GraphGroupWriter(client, settings.graph.baseUrl, pacer, state.lease),
    directoryWriter: new GraphDirectoryWriter(client, settings.graph.baseUrl, pacer, state.lease),
    membership: new GraphDirectoryMembership(client),
    preflightProbe: new GraphPreflightProbe(client, settings.graph.baseUrl),
  };
}

async function readTenantId(settings: BotSettings, reader: TenantReader): Promise<string> {
  try {
    return await reader.organizationId();
  } catch (error) {
    const reason = errorText(error);
    throw new StartupError(
      `Could not read the tenant id from Graph at ${settings.graph.baseUrl} (${reason}); set TENANT_ID or check GRAPH_BASE_URL and the Graph credential.`
    );
  }
}

/** Notifier, runner, engine, then the server; approved work and undelivered notices go on. */
async function startParts(
  settings: BotSettings,
  log: (line: string) => void,
  parts: StartBotOptions & { ports: DirectoryPorts; tenantId: string }
): Promise<RunningBot> {
  const { state, timings, now } = parts;
  const adapter = createBotAdapter(settings.botIdentity, log);
  const notifier = channelNotifier(settings, log, parts, adapter);
  const runner = migrationRunner(settings, log, parts, notifier);
  const engine = migrationEngine(settings, parts, notifier, () => runner.wake());
  const server = await startBotServer({
    settings,
    tenantId: parts.tenantId,
    adapter,
    engine,
    notifier,
    deliveredActivities: new StoredDocument<DeliveredActivityIds>(
      state.storage,
      'teams/delivered-activities'
    ),
    now,
    log,
    answerWithinMs: timings.answerWithinMs,
  });
  // Work approved before a restart, or through another instance, goes on.
  runner.start();
  // So do notifications not yet delivered (the runner re-announces open sign-offs when it takes the lease).
  notifier.start();
  return {
    url: server.url,
    tenantId: parts.tenantId,
    idle: async () => {
      await server.idle();
      await runner.idle();
      await notifier.idle();
    },
    runsApprovedWork: () => state.lease.held(),
    stop: async () => {
      await server.idle();
      await runner.stop();
      await notifier.stop();
      await server.close();
    },
  };
}

/** The engine the Teams handlers are given: every use case over the ports. */
function migrationEngine(
  settings: BotSettings,
  { state, now, ports }: StartBotOptions & { ports: DirectoryPorts },
  notifier: ChannelNotifier,
  wake: () => void
): MigrationEngine {
  return new MigrationEngine({
    reader: ports.reader,
    groupWriter: ports.groupWriter,
    journal: state.journal,
    store: state.store,
    waveContents: state.waveContents,
    planMembers: state.planMembers,
    membership: ports.membership,
    notifier,
    reports: state.reports,
    preflight: {
      probe: ports.preflightProbe,
      adminGroupId: settings.adminGroupId,
      approverGroupId: settings.approverGroupId,
      channelIsSet: async () => (await notifier.channel()) !== null,
      probeStorage: () => probeStorage(state.storage, now),
    },
    settings,
    now,
    newId: randomUUID,
    wake,
  });
}

function channelNotifier(
  settings: BotSettings,
  log: (line: string) => void,
  { state, timings, now, ports }: StartBotOptions & { ports: DirectoryPorts },
  adapter: BotAdapter
): ChannelNotifier {
  return new ChannelNotifier({
    adapter,
    botAppId: settings.botIdentity?.appId ?? '',
    // The channel, its cards' locations and the outbox, in the bot's storage.
    stores: notifierStoresIn(state.storage),
    log,
    spacingMs: timings.notifySpacingMs,
    approverIds: () => {
      const group = settings.approverGroupId;
      return group ? ports.membership.userMembers(group) : Promise.resolve([]);
    },
    retryBaseMs: timings.notifyRetryMs,
    // Only the runner lease's holder delivers, so two instances never post the same item.
    delivers: () => state.lease.held(),
    pollMs: timings.pollMs ?? settings.runner.pollMs,
    now,
  });
}

function migrationRunner(
  settings: BotSettings,
  log: (line: string) => void,
  { state, timings, now, ports }: StartBotOptions & { ports: DirectoryPorts },
  notifier: ChannelNotifier
): MigrationRunner {
  // Every 5 s of Graph's time: against a time-scaled simulator, that many times more often.
  const processingPollMs = timings.processingPollMs ?? 5_000 / settings.graphTimeScale;
  return new MigrationRunner({
    reader: ports.reader,
    groupWriter: ports.groupWriter,
    directoryWriter: ports.directoryWriter,
    journal: state.journal,
    store: state.store,
    waveContents: state.waveContents,
    planMembers: state.planMembers,
    notifier,
    lease: state.lease,
    now,
    newId: randomUUID,
    log,
    approvalTtlMs: settings.approvalTtlMs,
    followUpAfterMs: settings.followUpAfterMs,
    // The audit log and members' states every sixth poll: 30 s for 5 s polls, within the reports limit.
    processing: { pollMs: processingPollMs, auditEveryMs: 6 * processingPollMs },
    // Entra's time too: polls as for license processing, ten quiet minutes, two days at most.
    membershipWait: {
      pollMs: timings.processingPollMs ?? 30_000 / settings.graphTimeScale,
      quietMs: timings.membershipQuietMs ?? (10 * 60_000) / settings.graphTimeScale,
      timeoutMs: (48 * 3_600_000) / settings.graphTimeScale,
    },
    // Waits that add up to the replication lag bound, in the (time-scaled) simulator's time too.
    readBack: { delaysMs: readBackDelaysFor(settings.replicationLagMs / settings.graphTimeScale) },
    retryMs: timings.retryMs ?? settings.runner.retryMs,
    pollMs: timings.pollMs ?? settings.runner.pollMs,
  });
}
