import * as restify from 'restify';
import type { BotSettings } from '../config';
import type { MigrationEngine } from '../engine/migration-engine';
import type { BotAdapter } from './bot-adapter';
import type { DeliveredActivityIds } from './delivered-activities';
import type { DocumentStore } from './notifier-stores';
import { createBotApplication } from './bot-application';
import type { ChannelNotifier } from './channel-notifier';
import { count } from './cards/card-format';
import { helpCard } from './cards/help-card';
import { TurnWindow } from './turn-window';
import { registerHealthRoute } from './routes/health-route';
import { registerMessagesRoute } from './routes/messages-route';

export interface BotServerOptions {
  readonly settings: BotSettings;
  readonly tenantId: string;
  readonly adapter: BotAdapter;
  /** The migration, built by the composition root (src/start-bot.ts): the handlers' one way in. */
  readonly engine: MigrationEngine;
  readonly notifier: ChannelNotifier;
  /** The activities already taken, kept in that storage (src/storage/ builds it). */
  readonly deliveredActivities: DocumentStore<DeliveredActivityIds>;
  readonly now: () => Date;
  readonly log: (line: string) => void;
  /** How long a command may take before its turn answers and the work replies on its own (tests). */
  readonly answerWithinMs?: number;
}

export interface BotServer {
  /** e.g. http://127.0.0.1:3978 */
  readonly url: string;
  /** Resolves when the commands under way have replied. */
  idle(): Promise<void>;
  /** Stops listening once the commands under way have replied. */
  close(): Promise<void>;
}

/** The bot's HTTP server: restify, and the teams-ai application over the adapter and the engine. */
export async function startBotServer(options: BotServerOptions): Promise<BotServer> {
  const { settings, adapter, log } = options;
  const botAppId = settings.botIdentity?.appId ?? '';

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
  const turns = new TurnWindow(adapter, botAppId, log, options.answerWithinMs);
  const app = createBotApplication({
    adapter,
    botAppId,
    tenantId: options.tenantId,
    deliveredActivities: options.deliveredActivities,
    engine: options.engine,
    notifier: options.notifier,
    turns,
    now: options.now,
    log,
  });
  registerMessagesRoute(server, { adapter, app, anonymous: settings.botIdentity === null, log });
  registerHealthRoute(server);
  return {
    url,
    idle: () => turns.idle(),
    close: async () => {
      await turns.idle();
      await new Promise<void>((resolve) => {
        server.server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
