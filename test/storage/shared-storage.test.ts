import { openBlobState } from '../../src/storage/bot-state';
import { BlobMigrationStore } from '../../src/storage/blob-migration-store';
import type { TenantSimulator } from '../../src/simulator/simulator-server';
import { readBotSettings } from '../../src/config';
import { TENANT_SIMULATOR_DEFAULTS } from '../../src/simulator/simulator-defaults';
import { startBot } from '../../src/start-bot';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_APPROVER_GROUP_ID,
} from '../../src/simulator/scenarios/demo-tenant';
import { ConnectorStandIn } from '../support/connector-stand-in';
import {
  CONTAINER,
  azuriteOnDisk,
  countAssignLicenseCalls,
  demoTenantReadyForWaves,
  TEST_REPLICATION_LAG_MS,
} from '../support/durable-setup';
import { teamsDriverAt } from '../support/teams-driver';

type Bot = Awaited<ReturnType<typeof startBot>>;

/** Several instances behind one endpoint, as App Service scales out: one storage account, one runner. */
describe('bot instances sharing Azure Blob Storage', () => {
  let azurite: Awaited<ReturnType<typeof azuriteOnDisk>>;
  let simulator: TenantSimulator;
  let connector: ConnectorStandIn;
  let serviceUrl: string;
  let graphUrl: string;
  const bots: Bot[] = [];
  const logs: string[] = [];

  const startInstance = async () => {
    const settings = readBotSettings(
      {
        FOLLOW_UP_AFTER_MINUTES: '0',
        ALLOW_UNSAFE_TIMINGS: 'true',
        GRAPH_BASE_URL: graphUrl,
        // The bot's waits for a lagging replica match the simulator's lag (durable-setup).
        GRAPH_REPLICATION_LAG_SECONDS: String(TEST_REPLICATION_LAG_MS / 1000),

        STORAGE_CONNECTION_STRING: azurite.connectionString,
        ADMIN_GROUP_ID: DEMO_ADMIN_GROUP_ID,
        APPROVER_GROUP_ID: DEMO_APPROVER_GROUP_ID,
      },
      TENANT_SIMULATOR_DEFAULTS
    );
    const bot = await startBot({ ...settings, port: 0 }, (line) => logs.push(line), {
      state: openBlobState(settings.storage!, (line) => logs.push(line)),
      timings: { notifySpacingMs: 0, processingPollMs: 20, retryMs: 200, pollMs: 100 },
    });
    bots.push(bot);
    return bot;
  };
  const driverFor = (bot: Bot) => teamsDriverAt(bot.url, connector, serviceUrl);
  const until = async (condition: () => Promise<boolean> | boolean, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!(await condition())) {
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${what}: ${logs.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    azurite = await azuriteOnDisk();
    ({ simulator, graphUrl } = await demoTenantReadyForWaves());
    connector = new ConnectorStandIn();
    serviceUrl = await connector.start();
  });
  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await connector.stop();
    await simulator.stop();
    await azurite.stop();
  });

  it('takes commands and approvals through either instance, and only one of them removes anything', async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    await until(() => a.runsApprovedWork() || b.runsApprovedWork(), 'a runner');
    expect([a.runsApprovedWork(), b.runsApprovedWork()].filter(Boolean)).toHaveLength(1);
    const calls = countAssignLicenseCalls(simulator);

    // The admin talks to one instance, the approvers' clicks land on the other.
    await driverFor(a).say('admin', 'notify here');
    await driverFor(a).say('admin', 'waves 100,rest');
    const teamsB = driverFor(b);
    await until(() => teamsB.approvalCards().length === 1, 'the first sign-off card');
    await teamsB.click('approver1', 'approve', await teamsB.buttonData(teamsB.latestApproval()));
    await until(() => teamsB.approvalCards().length === 2, 'the second sign-off card');
    const store = new BlobMigrationStore(azurite.container);
    // Wave 2 is released once wave 1's follow-up (due at once here) is clean.
    await until(
      async () => (await store.read()).record.waves[0]?.followUp?.status === 'clean',
      "wave 1's follow-up"
    );
    await driverFor(a).click(
      'approver2',
      'approve',
      await driverFor(a).buttonData(teamsB.latestApproval(), 'approver2')
    );

    await until(
      async () => (await store.read()).record.waves.every((w) => w.status === 'completed'),
      'both waves'
    );
    expect([...simulator.directory.users.values()].every((u) => u.directLicenses.size === 0)).toBe(
      true
    );
    expect([...calls.values()].filter((n) => n !== 1)).toEqual([]);
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
    // Each wave was started (and announced) by one instance only.
    const started = connector.sent.filter((x) => JSON.stringify(x.body).includes('Wave 1 started'));
    expect(started).toHaveLength(1);
    expect(CONTAINER).toBe('license-migration');
  }, 90_000);

  it('hands the waves to another instance when the runner stops', async () => {
    const runner = bots.find((bot) => bot.runsApprovedWork())!;
    await runner.stop();
    bots.splice(bots.indexOf(runner), 1);
    const survivor = bots[0];
    await until(() => survivor.runsApprovedWork(), 'the other instance to take over');
  }, 30_000);
});
