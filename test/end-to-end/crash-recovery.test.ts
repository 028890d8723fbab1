import type { JournalEntry } from '../../src/domain/journal';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_APPROVER_GROUP_ID,
} from '../../src/simulator/scenarios/demo-tenant';
import type { TenantSimulator } from '../../src/simulator/simulator-server';
import { BlobJournal } from '../../src/storage/blob-journal';
import { BlobMigrationStore } from '../../src/storage/blob-migration-store';
import { BotProcess } from '../support/bot-process';
import { ConnectorStandIn } from '../support/connector-stand-in';
import {
  azuriteOnDisk,
  countAssignLicenseCalls,
  demoTenantReadyForWaves,
  TEST_AUTOMATION_SCHEDULE,
  REALISTIC_LAG,
  REALISTIC_LAG_BOT_ENV,
} from '../support/durable-setup';
import { assignmentKey, directAssignmentsOf } from '../support/script-record';
import { freePort } from '../support/free-port';
import { TeamsDriver } from '../support/teams-driver';

/** Graph `$batch` requests after which the bot is killed: before, during and after removals. */
const KILL_AFTER_BATCHES = [4, 17, 38, 62, 95, 121, 140];

describe('the bot killed (SIGKILL) again and again during a removal wave', () => {
  let azurite: Awaited<ReturnType<typeof azuriteOnDisk>>;
  let simulator: TenantSimulator;
  let connector: ConnectorStandIn;
  let bot: BotProcess;

  afterAll(async () => {
    await bot?.kill();
    await connector?.stop();
    await simulator?.stop();
    await azurite?.stop();
  });

  it('finishes the wave after each restart: nobody lost a license, nothing was removed twice, the journal is whole', async () => {
    azurite = await azuriteOnDisk();
    // Replicas lag seconds behind writes, as in the demo, and the tenant's old license script keeps running
    // through it at the harness's real-time rhythm (audit latency and limit are on by default).
    const tenant = await demoTenantReadyForWaves({
      ...REALISTIC_LAG,
      automation: { kind: 'every', ms: TEST_AUTOMATION_SCHEDULE.ms * REALISTIC_LAG.timeScale },
    });
    simulator = tenant.simulator;
    connector = new ConnectorStandIn();
    const serviceUrl = await connector.start();
    const port = await freePort();
    bot = new BotProcess(
      {
        GRAPH_BASE_URL: tenant.graphUrl,
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        ADMIN_GROUP_ID: DEMO_ADMIN_GROUP_ID,
        APPROVER_GROUP_ID: DEMO_APPROVER_GROUP_ID,
        PORT: String(port),
        RUNNER_POLL_SECONDS: '0.2',
        RUNNER_RETRY_SECONDS: '0.2',
        ...REALISTIC_LAG_BOT_ENV,
      },
      `http://127.0.0.1:${port}`
    );
    await bot.start();
    const teams = new TeamsDriver({ post: (a) => bot.post(a), connector, serviceUrl });
    const direct = () => directAssignmentsOf(simulator);
    expect(direct()).toEqual(tenant.script.expectedDirect());

    const calls = countAssignLicenseCalls(simulator);
    let batches = 0;
    simulator.onRequest = (method, url) => {
      if (method !== 'POST' || !url.includes('$batch')) return;
      batches += 1;
      // Killed while Graph handles the request: the change may be made and its answer lost.
      if (KILL_AFTER_BATCHES.includes(batches)) bot.killNow();
    };

    // Sign-off cards go to the notification channel only (issue 15): the admin sets it first.
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'waves 1000', 'personal');
    await teams.click('approver1', 'approve', await teams.buttonData(await teams.nextApproval(0)));

    const store = new BlobMigrationStore(azurite.container);
    const waveDone = async () =>
      ['completed', 'stopped'].includes((await store.read()).record.waves[0]?.status ?? 'proposed');
    let restarts = 0;
    const deadline = Date.now() + 90_000;
    while (!(await waveDone())) {
      if (Date.now() > deadline) throw new Error(`The wave did not finish: ${bot.log()}`);
      const killed = await Promise.race([
        bot.exited().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200)),
      ]);
      if (!killed) continue;
      // The dead instance's lease would free itself after 30 s; breaking it stands for that wait.
      await azurite.container.getBlockBlobClient('runner/lease').getBlobLeaseClient().breakLease(0);
      restarts += 1;
      await bot.start();
    }

    expect(restarts).toBe(KILL_AFTER_BATCHES.length);
    const [wave] = (await store.read()).record.waves;
    expect(wave.status).toBe('completed');
    const waveKeys = wave.entries.map((e) => assignmentKey(e.userId, e.skuId));
    // Gone, but what the script gave its joiners since; those it took from leavers were its to take.
    expect(direct()).toEqual(tenant.script.expectedDirect({ removedByBot: waveKeys }));
    expect(tenant.script.lossesNotByScript()).toEqual([]);
    // One assignLicense per user (both SKUs go in one call): never sent again after a crash. Not sent for
    // a leaver whose direct licenses the script had already taken.
    const taken = tenant.script.taken();
    expect([...calls.values()].filter((n) => n !== 1)).toEqual([]);
    const waveUsers = new Set(wave.entries.map((e) => e.userId));
    expect([...calls.keys()].filter((id) => !waveUsers.has(id))).toEqual([]);
    expect(
      wave.entries.filter(
        (e) => !taken.has(assignmentKey(e.userId, e.skuId)) && !calls.has(e.userId)
      )
    ).toEqual([]);

    const entries: readonly JournalEntry[] = await new BlobJournal(azurite.container).entries();
    const ids = entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const intents = entries.filter((e) => e.kind === 'removal-intended');
    const settled = new Set(
      entries.flatMap((e) => (e.kind === 'removal-outcome' ? [e.intentId] : []))
    );
    expect(intents.filter((i) => !settled.has(i.id))).toEqual([]);
    const removedKeys = entries.flatMap((e) => {
      if (e.kind !== 'removal-outcome' || e.outcome !== 'removed') return [];
      const intent = intents.find((i) => i.id === e.intentId);
      return intent?.kind === 'removal-intended' ? [`${intent.userId}|${intent.skuId}`] : [];
    });
    // Every one of the wave, once, but those the script took from its leavers before the bot could.
    expect(new Set(removedKeys).size).toBe(removedKeys.length);
    expect(waveKeys.filter((k) => !taken.has(k) && !removedKeys.includes(k))).toEqual([]);
    expect(removedKeys.filter((k) => !waveKeys.includes(k))).toEqual([]);
    expect(entries.filter((e) => e.kind === 'wave-decision')).toHaveLength(1);
  }, 150_000);
});
