import type { AutomationSchedule } from '../../src/simulator/automation-schedule';
import { readBotSettings } from '../../src/config';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_APPROVER_GROUP_ID,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import type { TenantFixture } from '../../src/simulator/tenant-fixture';
import { TEST_REPLICATION_LAG_MS } from './durable-setup';
import { startBot } from '../../src/start-bot';
import { memoryState, type BotState } from '../../src/storage/bot-state';
import { ConnectorStandIn } from './connector-stand-in';

/** The bot on its real HTTP endpoint, Graph served by the simulator, replies caught by a connector stand-in. */
export interface BotUnderTest {
  readonly botUrl: string;
  readonly serviceUrl: string;
  readonly connector: ConnectorStandIn;
  readonly simulator: TenantSimulator;
  readonly logs: string[];
  /** Waits until approved work has run and every notification has been posted. */
  idle(): Promise<void>;
  /**
   * Stops the bot (as a deploy would) and starts it again on the same storage, tenant and Teams;
   * `meanwhile` runs while it is down.
   */
  restart(meanwhile?: () => void | Promise<void>): Promise<void>;
  /** POSTs an activity to /api/messages as Teams would; returns the HTTP status. */
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startBotUnderTest(
  options: {
    tenant?: TenantFixture;
    env?: Record<string, string>;
    now?: () => Date;
    /** Storage for the bot; memory unless a test brings Azurite. */
    state?: BotState;
    /** Faults the simulator injects, e.g. "latency=3000ms:100%,path=/users$" for a slow tenant. */
    graphFaults?: string;
    /**
     * The tenant's old license script running on this schedule (simulated time). Off unless given: the
     * whole-migration tests count direct assignments at given moments, which its joiners and leavers change.
     */
    automation?: AutomationSchedule;
  } = {}
): Promise<BotUnderTest> {
  const simulator = new TenantSimulator({
    tenant: options.tenant ?? buildDemoTenant(),
    timings: { queuedMs: 20, usersPerSecond: 100_000 },
    // Entra answers from replicas that lag: on in every whole-migration test (short, to stay quick).
    replicationLagMs: TEST_REPLICATION_LAG_MS,
    ...(options.graphFaults ? { faults: options.graphFaults } : {}),
    ...(options.automation ? { automation: options.automation } : {}),
  });
  const graphUrl = await simulator.start();
  const connector = new ConnectorStandIn();
  const serviceUrl = await connector.start();
  const logs: string[] = [];
  const settings = readBotSettings({
    GRAPH_BASE_URL: graphUrl,
    ADMIN_GROUP_ID: DEMO_ADMIN_GROUP_ID,
    APPROVER_GROUP_ID: DEMO_APPROVER_GROUP_ID,
    // Most tests run wave after wave: each wave's follow-up is due as soon as it finishes.
    FOLLOW_UP_AFTER_MINUTES: '0',
    ALLOW_UNSAFE_TIMINGS: 'true',
    GRAPH_REPLICATION_LAG_SECONDS: String(TEST_REPLICATION_LAG_MS / 1000),
    ...options.env,
  });
  const state = options.state ?? memoryState();
  // PORT=0 is not a valid setting for people; tests ask the OS for a free port.
  const start = () =>
    startBot({ ...settings, port: 0 }, (line) => logs.push(line), {
      state,
      timings: { notifySpacingMs: 0, processingPollMs: 20, retryMs: 200, pollMs: 200 },
      ...(options.now ? { now: options.now } : {}),
    });
  let bot = await start();
  return {
    get botUrl() {
      return bot.url;
    },
    serviceUrl,
    connector,
    simulator,
    logs,
    idle: () => bot.idle(),
    restart: async (meanwhile) => {
      await bot.stop();
      await meanwhile?.();
      bot = await start();
    },
    post: (activity, headers = {}) =>
      fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      }),
    stop: async () => {
      await bot.stop();
      await connector.stop();
      await simulator.stop();
    },
  };
}
