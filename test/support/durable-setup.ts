import { ScriptRecord } from './script-record';
import { simulatorGraphClient } from './simulator-graph-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../src/demo/azurite';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { planGroups } from '../../src/engine/plan-groups';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { waitForProcessing } from '../../src/engine/wait-for-processing';
import { buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import type { AutomationSchedule } from '../../src/simulator/automation-schedule';
import { TenantSimulator, type SimulatorOptions } from '../../src/simulator/simulator-server';

export const CONTAINER = 'license-migration';

/** How far the simulator's replicas lag in whole-migration tests, and the bound the bot is told. */
export const TEST_REPLICATION_LAG_MS = 250;

/**
 * How often the demo tenant's old license script runs in whole-migration tests (simulated time, which runs
 * at real speed there). The demo's rhythm: it runs every 5 minutes against a migration of some 10 minutes,
 * a few runs per migration, as a nightly script does over a migration of a few days; a whole migration
 * here takes some 30 s, so every 10 s. (The demo's own 5 minutes would never come during a test.)
 */
export const TEST_AUTOMATION_SCHEDULE = {
  kind: 'every',
  ms: 10_000,
} as const satisfies AutomationSchedule;

/**
 * Entra's lag as the demo has it: seconds, in simulated time (the simulator's clock runs faster, so a
 * 1,000-user wave, which waits for fresh reads after every 20 users, still takes seconds). The bot is told
 * the same bound and time scale (`REALISTIC_LAG_BOT_ENV`).
 */
export const REALISTIC_LAG = { replicationLagMs: 5_000, timeScale: 20 } as const;
export const REALISTIC_LAG_BOT_ENV = {
  GRAPH_REPLICATION_LAG_SECONDS: String(REALISTIC_LAG.replicationLagMs / 1000),
  GRAPH_TIME_SCALE: String(REALISTIC_LAG.timeScale),
} as const;

/** Azurite on a free loopback port with its data in a temporary folder (so it can be stopped and started). */
export async function azuriteOnDisk(): Promise<
  RunningAzurite & {
    location: string;
    container: ContainerClient;
    /** Stops the emulator and keeps its data: storage is unreachable until `restart`. */
    halt(): Promise<void>;
    restart(): Promise<void>;
  }
> {
  const location = mkdtempSync(join(tmpdir(), 'azurite-'));
  let running = await startAzurite({ location });
  const port = running.port;
  const container = BlobServiceClient.fromConnectionString(
    running.connectionString
  ).getContainerClient(CONTAINER);
  return {
    location,
    port,
    connectionString: running.connectionString,
    container,
    halt: () => running.stop(),
    restart: async () => {
      running = await startAzurite({ location, port });
    },
    stop: async () => {
      await running.stop().catch(() => undefined);
      rmSync(location, { recursive: true, force: true });
    },
  };
}

/** The demo tenant with its licensing groups already assigned and processed: ready for removal waves. */
export async function demoTenantReadyForWaves(
  /** More of the simulator's options (e.g. the old license script running). */
  more: Partial<SimulatorOptions> = {}
): Promise<{
  simulator: TenantSimulator;
  graphUrl: string;
  /** What the old license script did from the simulator's start (when `more.automation` runs it). */
  script: ScriptRecord;
}> {
  const simulator = new TenantSimulator({
    tenant: buildDemoTenant(),
    timings: { queuedMs: 10, usersPerSecond: 100_000 },
    replicationLagMs: TEST_REPLICATION_LAG_MS,
    ...more,
  });
  const script = new ScriptRecord(simulator);
  const graphUrl = await simulator.start();
  const client = simulatorGraphClient(graphUrl);
  const writer = new GraphGroupWriter(client, graphUrl);
  const populated = await populateAndAssign(
    await planGroups(new GraphTenantReader(client)),
    writer
  );
  const wait = await waitForProcessing(
    populated.groups.map((g) => g.groupId ?? ''),
    writer,
    { pollMs: 20, timeoutMs: 20_000 }
  );
  if (!wait.complete) throw new Error('Group license processing did not complete.');
  return { simulator, graphUrl, script };
}

/** How many times each user's licenses were changed through assignLicense (direct removals and restores). */
export function countAssignLicenseCalls(simulator: TenantSimulator): Map<string, number> {
  const calls = new Map<string, number>();
  simulator.onResponse = (method, url) => {
    const user = /\/users\/([^/?]+)\/assignLicense/.exec(url)?.[1];
    if (method === 'POST' && user) calls.set(user, (calls.get(user) ?? 0) + 1);
  };
  return calls;
}
