import { TenantFixtureError } from './load-tenant';
import { TenantSimulator } from './simulator-server';
import { USAGE, UsageError, parseSimulatorArguments, simulatorOptionsOf } from './cli-arguments';

/**
 * npm run simulator -- --tenant <fixture.json | scenario> --port <n> [--token <t>] [--time-scale <k>] [--faults <spec>] [--replication-lag <duration>] [--throttled-batch-status 200|424]
 * Serves the tenant as Graph v1.0 on https://127.0.0.1:<port>, printing its base URL.
 */

async function main(): Promise<void> {
  const options = parseSimulatorArguments(process.argv.slice(2));
  const simulator = new TenantSimulator(simulatorOptionsOf(options));
  const baseUrl = await simulator.start(options.port);
  const users = simulator.directory.users.size;
  console.log(baseUrl);
  console.error(
    `Tenant simulator: ${options.tenant ?? `generated ${options.generate}`} (${users} users) at ${baseUrl}/v1.0; bearer token "${options.token}"; time x${options.timeScale}${options.faults ? `; faults ${options.faults}` : ''}; replication lag ${options.replicationLagMs} ms; Graph's latency ${options.latency ? 'on' : 'off'}${simulator.automation && options.automation ? `; the old license script runs ${options.automation.kind === 'daily' ? `nightly at ${options.automation.atUtc} UTC` : `every ${options.automation.ms} ms`}` : ''}${options.throttledBatchStatus === 424 ? '; a $batch with a throttled item answers 424' : ''}. Ctrl-C stops it.`
  );
  const stop = () => void simulator.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else if (error instanceof TenantFixtureError) console.error(error.message);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
    console.error(`The port is already in use: ${(error as Error).message}`);
  else console.error(error);
  process.exit(2);
});
