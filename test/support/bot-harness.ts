import type { AutomationSchedule } from '../../src/simulator/automation-schedule';
import { readBotSettings } from '../../src/config';
import { TENANT_SIMULATOR_DEFAULTS } from '../../src/simulator/simulator-defaults';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_APPROVER_GROUP_ID,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import type { TenantFixture } from '../../src/simulator/tenant-fixture';
import { TEST_AUTOMATION_SCHEDULE, TEST_REPLICATION_LAG_MS } from './durable-setup';
import { ScriptRecord } from './script-record';
import { startBot } from '../../src/start-bot';
import { memoryState, type BotState } from '../../src/storage/bot-state';
import type { BotFrameworkIdentityStandIn } from './bot-framework-identity-stand-in';
import { ConnectorStandIn } from './connector-stand-in';

/** Teams delivers a turn again when the bot has not answered it within 15 s. */
export const TEAMS_REDELIVERS_AFTER_MS = 15_000;

/** The bot on its real HTTP endpoint, Graph served by the simulator, replies caught by a connector stand-in. */
export interface BotUnderTest {
  readonly botUrl: string;
  readonly serviceUrl: string;
  readonly connector: ConnectorStandIn;
  readonly simulator: TenantSimulator;
  /** What the tenant's old license script did while the test ran (its joiners and leavers). */
  readonly script: ScriptRecord;
  /** The bot's storage: its migration record (the waves it froze) and journal. */
  readonly state: BotState;
  readonly logs: string[];
  /** Waits until re-deliveries are answered, approved work has run and every notification is posted. */
  idle(): Promise<void>;
  /**
   * Stops the bot (as a deploy would) and starts it again on the same storage, tenant and Teams;
   * `meanwhile` runs while it is down.
   */
  restart(meanwhile?: () => void | Promise<void>): Promise<void>;
  /**
   * Activities Teams delivered a second time because the bot had not answered within
   * `teamsRedeliversAfterMs` (the same activity, sent again while the first waits).
   */
  readonly redelivered: Record<string, unknown>[];
  /**
   * POSTs an activity to /api/messages as Teams would (with a channel token when the bot has an
   * identity, unless `headers` bring their own Authorization); returns the first delivery's answer.
   */
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
     * Runs the bot with a real Bot Framework identity against these stand-ins of Microsoft's endpoints:
     * Teams' tokens on every activity, and a connector that takes only the token Entra issued the bot.
     */
    identity?: BotFrameworkIdentityStandIn;
    /** After how long without an answer Teams delivers an activity again (0: every activity twice). */
    teamsRedeliversAfterMs?: number;
    /**
     * The tenant's old license script keeps running on this schedule (simulated time), as Microsoft's guide
     * says to leave it: TEST_AUTOMATION_SCHEDULE unless given; false only in a focused test that needs the
     * exact counts of a still tenant (say why there).
     */
    automation?: AutomationSchedule | false;
    /** How long Entra takes to compute dynamic membership after a change (simulated ms). */
    dynamicMembershipDelayMs?: number;
  } = {}
): Promise<BotUnderTest> {
  const simulator = new TenantSimulator({
    tenant: options.tenant ?? buildDemoTenant(),
    timings: { queuedMs: 20, usersPerSecond: 100_000 },
    // Entra answers from replicas that lag: on in every whole-migration test (short, to stay quick).
    replicationLagMs: TEST_REPLICATION_LAG_MS,
    ...(options.graphFaults ? { faults: options.graphFaults } : {}),
    ...(options.automation === false
      ? {}
      : { automation: options.automation ?? TEST_AUTOMATION_SCHEDULE }),
    ...(options.dynamicMembershipDelayMs !== undefined
      ? { dynamicMembershipDelayMs: options.dynamicMembershipDelayMs }
      : {}),
  });
  const script = new ScriptRecord(simulator);
  const graphUrl = await simulator.start();
  const identity = options.identity;
  const connector = new ConnectorStandIn(
    identity ? { authorize: (authorization) => identity.issued(authorization) } : {}
  );
  const serviceUrl = await connector.start();
  const logs: string[] = [];
  const settings = readBotSettings(
    {
      GRAPH_BASE_URL: graphUrl,
      ADMIN_GROUP_ID: DEMO_ADMIN_GROUP_ID,
      APPROVER_GROUP_ID: DEMO_APPROVER_GROUP_ID,
      // Most tests run wave after wave: each wave's follow-up is due as soon as it finishes.
      FOLLOW_UP_AFTER_MINUTES: '0',
      ALLOW_UNSAFE_TIMINGS: 'true',
      GRAPH_REPLICATION_LAG_SECONDS: String(TEST_REPLICATION_LAG_MS / 1000),
      ...identity?.botEnv(),
      ...options.env,
    },
    TENANT_SIMULATOR_DEFAULTS
  );
  const state = options.state ?? memoryState();
  // PORT=0 is not a valid setting for people; tests ask the OS for a free port.
  const start = () =>
    startBot({ ...settings, port: 0 }, (line) => logs.push(line), {
      state,
      timings: {
        notifySpacingMs: 0,
        notifyRetryMs: 50,
        processingPollMs: 20,
        membershipQuietMs: 300,
        retryMs: 200,
        pollMs: 200,
      },
      ...(options.now ? { now: options.now } : {}),
    });
  let bot = await start();
  const redeliverAfterMs = options.teamsRedeliversAfterMs ?? TEAMS_REDELIVERS_AFTER_MS;
  const redelivered: Record<string, unknown>[] = [];
  const redeliveries = new Set<Promise<unknown>>();
  const deliver = (activity: Record<string, unknown>, headers: Record<string, string>) =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(identity
          ? { authorization: identity.channelAuthorization(String(activity.serviceUrl ?? '')) }
          : {}),
        ...headers,
      },
      body: JSON.stringify(activity),
    });
  return {
    get botUrl() {
      return bot.url;
    },
    serviceUrl,
    connector,
    simulator,
    script,
    state,
    logs,
    idle: async () => {
      await Promise.all(redeliveries);
      await bot.idle();
    },
    restart: async (meanwhile) => {
      await bot.stop();
      await meanwhile?.();
      bot = await start();
    },
    redelivered,
    post: async (activity, headers = {}) => {
      const first = deliver(activity, headers);
      // As Teams: no answer within the window, and the same activity is delivered again.
      const timer = setTimeout(() => {
        redelivered.push(activity);
        const again = deliver(activity, headers).then(
          (response) => response.arrayBuffer(),
          () => undefined
        );
        redeliveries.add(again);
        void again.finally(() => redeliveries.delete(again));
      }, redeliverAfterMs);
      try {
        return await first;
      } finally {
        clearTimeout(timer);
      }
    },
    stop: async () => {
      await Promise.all(redeliveries);
      await bot.stop();
      await connector.stop();
      await simulator.stop();
    },
  };
}
