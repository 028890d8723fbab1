import './silence-restify-deprecation';
import { ConfigError, readBotSettings } from './config';
import { StartupError, startBot } from './start-bot';

/** Production entry point (App Service runs `node lib/index.js`): settings from the environment only. */
async function main(): Promise<void> {
  const settings = readBotSettings(process.env);
  const bot = await startBot(settings);
  console.log(
    `License migration bot for tenant ${bot.tenantId} listening on ${bot.url}/api/messages`
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
