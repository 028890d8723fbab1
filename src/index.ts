import './silence-restify-deprecation';
import { ConfigError, graphIsOnLoopback, readBotSettings } from './config';
import { StartupError, startBot } from './start-bot';

/** Production entry point (App Service runs `node lib/index.js`): settings from the environment only. */
async function main(): Promise<void> {
  // The simulator's token and certificate are loaded only for a loopback Graph endpoint: a bot started for a
  // real tenant never loads simulator code.
  const simulator = graphIsOnLoopback(process.env)
    ? (await import('./simulator/simulator-defaults')).TENANT_SIMULATOR_DEFAULTS
    : undefined;
  const settings = readBotSettings(process.env, simulator);
  if (settings.followUpAfterMs < 60_000 || settings.approvalTtlMs < 60_000)
    console.log(
      'ALLOW_UNSAFE_TIMINGS=true: the soak period or the sign-off expiry is under a minute; use this for tests and demos only.'
    );
  const bot = await startBot(settings);
  console.log(
    `License migration bot for tenant ${bot.tenantId} listening on ${bot.url}/api/messages${
      settings.botIdentity
        ? ''
        : ' (anonymous: for the tenant simulator and the Agents Playground only)'
    }`
  );
  const shutdown = () => {
    void bot.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else if (error instanceof StartupError) console.error(`Cannot start: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
