import { readBotSettings } from '../../src/config';
import { TENANT_SIMULATOR_DEFAULTS } from '../../src/simulator/simulator-defaults';
import type { JournalEntry } from '../../src/domain/journal';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_APPROVER_GROUP_ID,
} from '../../src/simulator/scenarios/demo-tenant';
import type { TenantSimulator } from '../../src/simulator/simulator-server';
import { startBot } from '../../src/start-bot';
import { BlobJournal } from '../../src/storage/blob-journal';
import { BlobMigrationStore } from '../../src/storage/blob-migration-store';
import { openBlobState } from '../../src/storage/bot-state';
import { ConnectorStandIn } from '../support/connector-stand-in';
import {
  azuriteOnDisk,
  countAssignLicenseCalls,
  demoTenantReadyForWaves,
  TEST_REPLICATION_LAG_MS,
} from '../support/durable-setup';
import { teamsDriverAt } from '../support/teams-driver';

/** Storage goes away in the middle of a wave and comes back: the bot says so, waits, and goes on. */
describe('storage unreachable for a while', () => {
  let azurite: Awaited<ReturnType<typeof azuriteOnDisk>>;
  let simulator: TenantSimulator;
  let connector: ConnectorStandIn;
  let bot: Awaited<ReturnType<typeof startBot>>;
  const logs: string[] = [];

  afterAll(async () => {
    await bot?.stop();
    await connector?.stop();
    await simulator?.stop();
    await azurite?.stop();
  });

  it('refuses with a clear message, sends no removal without its journal entry, and finishes when storage is back', async () => {
    azurite = await azuriteOnDisk();
    const tenant = await demoTenantReadyForWaves();
    simulator = tenant.simulator;
    connector = new ConnectorStandIn();
    const serviceUrl = await connector.start();
    const settings = readBotSettings(
      {
        GRAPH_BASE_URL: tenant.graphUrl,
        // The bot's waits for a lagging replica match the simulator's lag (durable-setup).
        GRAPH_REPLICATION_LAG_SECONDS: String(TEST_REPLICATION_LAG_MS / 1000),
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        ADMIN_GROUP_ID: DEMO_ADMIN_GROUP_ID,
        APPROVER_GROUP_ID: DEMO_APPROVER_GROUP_ID,
      },
      TENANT_SIMULATOR_DEFAULTS
    );
    bot = await startBot({ ...settings, port: 0 }, (line) => logs.push(line), {
      state: openBlobState(settings.storage!, (line) => logs.push(line)),
      timings: { notifySpacingMs: 0, processingPollMs: 20, retryMs: 200, pollMs: 100 },
    });
    const teams = teamsDriverAt(bot.url, connector, serviceUrl);
    const calls = countAssignLicenseCalls(simulator);
    let batches = 0;
    let outage: Promise<void> | null = null;
    simulator.onRequest = (method, url) => {
      if (method === 'POST' && url.includes('$batch') && ++batches === 30) outage = azurite.halt();
    };

    // Sign-off cards go to the notification channel only (issue 15): the admin sets it first.
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'waves 1000', 'personal');
    await teams.click('approver1', 'approve', await teams.buttonData(await teams.nextApproval(0)));
    const deadline = Date.now() + 20_000;
    while (!outage && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await outage;

    // While storage is away: a clear answer, and no removal goes out (its intent cannot be written first).
    const [reply] = await teams.replies('finance', 'status', 'personal');
    expect(reply).toMatch(
      /^I could not handle that \(the bot's storage did not answer: .*\); nothing was changed\. Please try again in a minute\.$/
    );
    const sentDuringOutage = [...calls.values()].reduce((a, b) => a + b, 0);
    await new Promise((r) => setTimeout(r, 1_500));
    expect([...calls.values()].reduce((a, b) => a + b, 0)).toBe(sentDuringOutage);
    expect(sentDuringOutage).toBeLessThan(1000);

    await azurite.restart();
    const store = new BlobMigrationStore(azurite.container);
    const until = Date.now() + 60_000;
    while ((await store.read().catch(() => null))?.record.waves[0]?.status !== 'completed') {
      if (Date.now() > until) throw new Error(`The wave did not finish: ${logs.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect([...simulator.directory.users.values()].every((u) => u.directLicenses.size === 0)).toBe(
      true
    );
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
    expect([...calls.values()].filter((n) => n !== 1)).toEqual([]);
    // Every removal Graph saw has its intent in the journal, written before it was sent.
    const entries: readonly JournalEntry[] = await new BlobJournal(azurite.container).entries();
    const intended = new Set(
      entries.flatMap((e) => (e.kind === 'removal-intended' ? [e.userId] : []))
    );
    expect([...calls.keys()].filter((user) => !intended.has(user))).toEqual([]);
  }, 120_000);
});
