import '../silence-restify-deprecation';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readBotSettings } from '../config';
import { createInterface } from 'node:readline';
import { errorText } from '../error-text';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_APPROVER_GROUP_ID,
  buildDemoTenant,
} from '../simulator/scenarios/demo-tenant';
import { TENANT_SIMULATOR_DEFAULTS } from '../simulator/simulator-defaults';
import { TenantSimulator } from '../simulator/simulator-server';
import type { AutomationSchedule } from '../simulator/automation-schedule';
import { StartupError, startBot } from '../start-bot';
import { startAzurite } from './azurite';
import { DemoApprover } from './demo-approver';
import { disableAPlanOnTheLicensingGroup } from './demo-drift';
import { startPlayground } from './playground-process';

/**
 * The demo tenant's clock runs this much faster than real time, so Entra's lag of seconds (below) costs
 * the demo a fraction of one: a wave waits for fresh reads after every 20 users. Durations the demo shows
 * at their own pace (license processing, the old script's runs) are scaled up by the same factor.
 */
const DEMO_TIME_SCALE = 20;
/**
 * How far the demo tenant's replicas lag behind writes, in the tenant's (simulated) seconds: a few, as the
 * simulator's default (`--replication-lag 5s`). The bot is told the same bound and time scale.
 */
const DEMO_REPLICATION_LAG_SECONDS = 5;
/**
 * The old license script's "nightly" run, in the demo's compressed time: every 30 real seconds, so it
 * runs a few times during any migration shown (one takes a minute or two), as the soak period is 2
 * minutes rather than a day.
 */
const DEMO_AUTOMATION_SCHEDULE: AutomationSchedule = {
  kind: 'every',
  ms: 30_000 * DEMO_TIME_SCALE,
};

/**
 * `npm start`: the embedded demo with no configuration at all. The tenant simulator with the demo tenant
 * (unless GRAPH_BASE_URL names another Graph), the bot wired to it, and the Agents Playground pointed at
 * the bot, all on loopback. Prints one line: the URL to open. Ctrl-C stops all three.
 */

const projectRoot = join(__dirname, '..', '..');
const devTools = join(projectRoot, 'devTools');

interface Stoppable {
  stop(): Promise<void>;
}

function optionalPort(name: string, fallback: number): number {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`${name} must be a port number between 0 and 65535 (got "${value}").`);
  }
  return Number(value);
}

async function main(): Promise<void> {
  mkdirSync(devTools, { recursive: true });
  const botLog = join(devTools, 'bot.log');
  const log = (line: string) => appendFileSync(botLog, `${new Date().toISOString()} ${line}\n`);
  const running: Stoppable[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // Reverse start order: the Playground first, so it stops calling the bot, then the bot, then Graph.
    for (const part of running.reverse()) await part.stop().catch(() => undefined);
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    const simulatorPort = optionalPort('SIMULATOR_PORT', 0);
    const playgroundPort = optionalPort('PLAYGROUND_PORT', 56150);
    let graphBaseUrl = process.env.GRAPH_BASE_URL?.trim();
    let simulator: TenantSimulator | null = null;
    if (!graphBaseUrl) {
      // Group license processing in seconds rather than minutes, so the demo moves at a watchable pace.
      simulator = new TenantSimulator({
        tenant: buildDemoTenant(),
        timeScale: DEMO_TIME_SCALE,
        timings: { queuedMs: 3_000 * DEMO_TIME_SCALE, usersPerSecond: 250 / DEMO_TIME_SCALE },
        // Entra answers from replicas that lag behind writes; the bot is told the bound below.
        replicationLagMs: DEMO_REPLICATION_LAG_SECONDS * 1000,
        // The tenant's old license script keeps running, as Microsoft's guide says to leave it; its
        // nightly run comes every 30 seconds here (above).
        automation: DEMO_AUTOMATION_SCHEDULE,
      });
      graphBaseUrl = await simulator.start(simulatorPort).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE'
          ? new StartupError(
              `SIMULATOR_PORT ${simulatorPort} is already in use; set SIMULATOR_PORT to a free port.`
            )
          : error;
      });
      running.push(simulator);
      log(`Tenant simulator (demo tenant) at ${graphBaseUrl}`);
    }
    let storageConnection: Record<string, string> = {};
    if (!process.env.STORAGE_CONNECTION_STRING && !process.env.STORAGE_ACCOUNT_URL) {
      // Azurite in this process, data under .data/azurite. The embedded tenant starts afresh each time,
      // so its migration state does too; with GRAPH_BASE_URL (a tenant that lives on) the state is kept.
      const location = join(projectRoot, '.data', 'azurite');
      if (!process.env.GRAPH_BASE_URL) rmSync(location, { recursive: true, force: true });
      const azurite = await startAzurite({ location });
      running.push(azurite);
      storageConnection = { STORAGE_CONNECTION_STRING: azurite.connectionString };
      log(`Azurite (blob storage emulator) on port ${azurite.port}`);
    }
    const settings = readBotSettings(
      {
        ...storageConnection,
        // The demo tenant's admins and approvers run and approve, unless the environment names others.
        ...(process.env.GRAPH_BASE_URL
          ? {}
          : {
              ADMIN_GROUP_ID: DEMO_ADMIN_GROUP_ID,
              APPROVER_GROUP_ID: DEMO_APPROVER_GROUP_ID,
              // Minutes, not a day: the demo shows each wave's follow-up while you watch.
              FOLLOW_UP_AFTER_MINUTES: '2',
              GRAPH_REPLICATION_LAG_SECONDS: String(DEMO_REPLICATION_LAG_SECONDS),
              GRAPH_TIME_SCALE: String(DEMO_TIME_SCALE),
            }),
        ...process.env,
        GRAPH_BASE_URL: graphBaseUrl,
      },
      TENANT_SIMULATOR_DEFAULTS
    );
    const bot = await startBot(settings, log);
    running.push(bot);
    log(`Bot at ${bot.url}/api/messages for tenant ${bot.tenantId}`);
    const playground = await startPlayground({
      botEndpoint: `${bot.url}/api/messages`,
      port: playgroundPort,
      configPath: join(projectRoot, '.m365agentsplayground.yml'),
      logFile: join(devTools, 'playground.log'),
      cwd: devTools,
    });
    running.push(playground);
    const approver = new DemoApprover(playground.url);
    await approver.start();
    running.push({ stop: async () => approver.stop() });
    console.log(
      `License migration demo ready: open ${playground.url} (Agents Playground; bot ${bot.url}, Graph ${graphBaseUrl}; approvers sign off here: "approve as Lee"; Ctrl-C stops all).`
    );
    // The second person: approvers click from this terminal (the Playground's UI is the admin).
    const lines = createInterface({ input: process.stdin, terminal: false });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      const answer =
        line.trim().toLowerCase() === 'change group' && simulator
          ? disableAPlanOnTheLicensingGroup(simulator)
          : approver.handle(line);
      answer.then(
        (answer) => console.log(answer),
        (error: unknown) => console.log(`That did not work: ${errorText(error)}`)
      );
    });
  } catch (error) {
    if (error instanceof ConfigError && error.message.startsWith('BOT_ID is required'))
      // The Playground sends no token, so the demo's bot is anonymous: a real tenant is refused.
      console.error(
        'Configuration error: npm start runs the bot without authentication for the Agents Playground, so GRAPH_BASE_URL may only name a tenant simulator on loopback (npm run simulator); to serve a real tenant, deploy the bot with BOT_ID (see "Running against a real tenant").'
      );
    else if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
    else if (error instanceof StartupError) console.error(`Cannot start: ${error.message}`);
    else console.error(error);
    await stopAll(1);
  }
}

void main();
