import { randomUUID } from 'node:crypto';
import * as restify from 'restify';
import type { BotSettings } from '../config';
import { readBackDelaysFor } from '../domain/read-freshness';
import type { DirectoryMembership } from '../engine/directory-membership';
import type { DirectoryWriter } from '../engine/directory-writer';
import type { GroupWriter } from '../engine/group-writer';
import { MigrationRunner } from '../engine/migration-runner';
import { MigrationService } from '../engine/migration-service';
import type { TenantReader } from '../engine/tenant-reader';
import { runPreflight, type PreflightProbe } from '../engine/preflight';
import { probeStorage } from '../storage/storage-probe';
import type { BotState } from '../storage/bot-state';
import { createBotAdapter } from './bot-adapter';
import { createBotApplication } from './bot-application';
import { ChannelNotifier } from './channel-notifier';
import { count } from './cards/card-format';
import { helpCard } from './cards/help-card';
import { TurnWindow } from './turn-window';
import { registerHealthRoute } from './routes/health-route';
import { registerMessagesRoute } from './routes/messages-route';

export interface BotServerOptions {
  readonly settings: BotSettings;
  readonly tenantId: string;
  readonly reader: TenantReader;
  readonly groupWriter: GroupWriter;
  readonly directoryWriter: DirectoryWriter;
  readonly membership: DirectoryMembership;
  /** `doctor`'s harmless Graph calls. */
  readonly preflightProbe: PreflightProbe;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  /** Bot, conversation and migration state, the journal and the runner lease. */
  readonly state: BotState;
  /** Tests speed these up. */
  readonly timings?: {
    readonly notifySpacingMs?: number;
    /** The first wait before Teams is asked again (it doubles). */
    readonly notifyRetryMs?: number;
    readonly processingPollMs?: number;
    /** How long a new dynamic group's members must stay the same to count as computed. */
    readonly membershipQuietMs?: number;
    readonly retryMs?: number;
    readonly pollMs?: number;
    readonly answerWithinMs?: number;
  };
}

export interface RunningBotServer {
  /** e.g. http://127.0.0.1:3978 */
  readonly url: string;
  /** Resolves when the background migration work and queued notifications are done (tests). */
  idle(): Promise<void>;
  /** Whether this instance holds the runner lease (it alone runs approved work). */
  runsApprovedWork(): boolean;
  stop(): Promise<void>;
}

/** The bot's HTTP server: restify, the Bot Framework adapter, the teams-ai application, and the migration. */
export async function startBotServer(options: BotServerOptions): Promise<RunningBotServer> {
  const { settings, log } = options;
  const now = options.now ?? (() => new Date());
  const { storage, store, journal, lease } = options.state;
  const adapter = createBotAdapter(settings.botIdentity, log);
  const notifier = new ChannelNotifier(
    adapter,
    settings.botIdentity?.appId ?? '',
    storage,
    log,
    options.timings?.notifySpacingMs,
    () => {
      const group = settings.approverGroupId;
      return group ? options.membership.userMembers(group) : Promise.resolve([]);
    },
    options.timings?.notifyRetryMs,
    // Only the runner lease's holder delivers, so two instances never post the same item.
    { delivers: () => lease.held(), pollMs: options.timings?.pollMs ?? settings.runner.pollMs, now }
  );
  const runner = new MigrationRunner({
    reader: options.reader,
    groupWriter: options.groupWriter,
    directoryWriter: options.directoryWriter,
    journal,
    store,
    notifier,
    lease,
    now,
    newId: randomUUID,
    log,
    approvalTtlMs: settings.approvalTtlMs,
    followUpAfterMs: settings.followUpAfterMs,
    // Every 5 s of Graph's time: against a time-scaled simulator, that many times more often.
    // The audit log and members' states every sixth poll: 30 s for 5 s polls, within the reports limit.
    processing: {
      pollMs: options.timings?.processingPollMs ?? 5_000 / settings.graphTimeScale,
      auditEveryMs: 6 * (options.timings?.processingPollMs ?? 5_000 / settings.graphTimeScale),
    },
    // Entra's time too: polls as for license processing, ten quiet minutes, two days at most.
    membershipWait: {
      pollMs: options.timings?.processingPollMs ?? 30_000 / settings.graphTimeScale,
      quietMs: options.timings?.membershipQuietMs ?? (10 * 60_000) / settings.graphTimeScale,
      timeoutMs: (48 * 3_600_000) / settings.graphTimeScale,
    },
    // Waits that add up to the replication lag bound, in the (time-scaled) simulator's time too.
    readBack: {
      delaysMs: readBackDelaysFor(settings.replicationLagMs / settings.graphTimeScale),
    },
    retryMs: options.timings?.retryMs ?? settings.runner.retryMs,
    pollMs: options.timings?.pollMs ?? settings.runner.pollMs,
  });
  const service = new MigrationService({
    reader: options.reader,
    journal,
    store,
    membership: options.membership,
    notifier,
    settings,
    now,
    newId: randomUUID,
    wake: () => runner.wake(),
  });

  // A process's first card and first formatted number cost a few hundred ms (the templating engine and
  // ICU start up): paid here, before listening, rather than by the first turn after each restart.
  helpCard();
  count(0);
  const server = restify.createServer({ name: 'license-migration-bot' });
  // No body parser: only /api/messages takes a body, and it reads it itself, JSON only and bounded, after
  // the checks that need no body (routes/messages-route.ts). A request must arrive whole within 30 s.
  server.server.headersTimeout = 20_000;
  server.server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const url = `http://${settings.host}:${server.address().port}`;
  const turns = new TurnWindow(
    adapter,
    settings.botIdentity?.appId ?? '',
    log,
    options.timings?.answerWithinMs
  );
  const app = createBotApplication({
    adapter,
    botAppId: settings.botIdentity?.appId ?? '',
    tenantId: options.tenantId,
    storage,
    reader: options.reader,
    groupWriter: options.groupWriter,
    service,
    journal,
    notifier,
    reports: options.state.reports,
    turns,
    preflight: () =>
      runPreflight({
        probe: options.preflightProbe,
        adminGroupId: settings.adminGroupId,
        approverGroupId: settings.approverGroupId,
        channelIsSet: async () => (await notifier.channel()) !== null,
        probeStorage: () => probeStorage(storage, now),
      }),
    now,
    log,
  });
  registerMessagesRoute(server, {
    adapter,
    app,
    anonymous: settings.botIdentity === null,
    log,
  });
  registerHealthRoute(server);
  // Work approved before a restart, or through another instance, goes on.
  runner.start();
  // So do notifications not yet delivered (the runner re-announces open sign-offs when it takes the lease).
  notifier.start();

  const idle = async () => {
    await turns.idle();
    await runner.idle();
    await notifier.idle();
  };
  return {
    url,
    idle,
    runsApprovedWork: () => lease.held(),
    stop: async () => {
      await turns.idle();
      await runner.stop();
      await notifier.stop();
      await new Promise<void>((resolve) => {
        server.server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
