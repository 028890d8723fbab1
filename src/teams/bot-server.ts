import * as restify from 'restify';
import type { BotSettings } from '../config';
import type { TenantReader } from '../engine/tenant-reader';
import { createBotAdapter } from './bot-adapter';
import { createBotApplication } from './bot-application';
import { registerHealthRoute } from './routes/health-route';
import { registerMessagesRoute } from './routes/messages-route';

export interface BotServerOptions {
  readonly settings: BotSettings;
  readonly tenantId: string;
  readonly reader: TenantReader;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

export interface RunningBotServer {
  /** e.g. http://127.0.0.1:3978 */
  readonly url: string;
  stop(): Promise<void>;
}

/** The bot's HTTP server: restify, the Bot Framework adapter and the teams-ai application. */
export async function startBotServer(options: BotServerOptions): Promise<RunningBotServer> {
  const { settings, log } = options;
  const adapter = createBotAdapter(settings.botIdentity, log);
  const app = createBotApplication({
    adapter,
    botAppId: settings.botIdentity?.appId,
    tenantId: options.tenantId,
    reader: options.reader,
    now: options.now ?? (() => new Date()),
    log,
  });
  const server = restify.createServer({ name: 'license-migration-bot' });
  server.use(restify.plugins.bodyParser());
  registerMessagesRoute(server, adapter, app);
  registerHealthRoute(server, () => ({
    tenantId: options.tenantId,
    authenticated: settings.botIdentity !== null,
  }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const address = server.address();
  return {
    url: `http://${settings.host}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
