import { DEVELOPMENT_TOKEN } from './development-token';
import { parseFaultSpec } from './fault-injection';
import { TenantFixtureError, loadTenant } from './load-tenant';
import { generateTenant, parseGeneratorSpec } from './scenarios/generated-tenant';
import { parseDuration } from './duration';
import { BOT_PERMISSIONS, KNOWN_PERMISSIONS } from './graph-permissions';
import { AUDIT_LATENCY_MS, TenantSimulator } from './simulator-server';
import { NIGHTLY, parseAutomationSchedule, type AutomationSchedule } from './automation-schedule';

/**
 * npm run simulator -- --tenant <fixture.json | scenario> --port <n> [--token <t>] [--time-scale <k>] [--faults <spec>] [--replication-lag <duration>]
 * Serves the tenant as Graph v1.0 on https://127.0.0.1:<port>, printing its base URL.
 */

const USAGE =
  "Usage: npm run simulator -- (--tenant <fixture.json | demo | empty | tricky> | --generate users=<n>[,grouped=<p>%][,disabled=<p>%][,seed=<s>]) --port <n> [--token <t>] [--time-scale <k>] [--faults <spec>] [--replication-lag <duration, default 5s; 0 turns it off>] [--audit-latency <duration>] [--audit-limit on|off] [--unchangeable-groups on|off] [--permissions <comma-separated application permissions, default the bot's>] [--premium on|off] [--automation on|off] [--automation-schedule <HH:MM UTC | every <duration>, default 02:00>] [--latency on|off, default on]";

/** Entra's replicas typically catch up within seconds (simulated time). */
const DEFAULT_REPLICATION_LAG = '5s';

class UsageError extends Error {}

interface CliOptions {
  tenant: string | undefined;
  generate: string | undefined;
  port: number;
  token: string;
  timeScale: number;
  faults: string | undefined;
  replicationLagMs: number;
  auditLatencyMs: number;
  auditLimit: boolean;
  unchangeableGroups: boolean;
  grantedPermissions: readonly string[];
  premiumTenant: boolean;
  /** When the tenant's old license script runs; null: it does not. */
  automation: AutomationSchedule | null;
  /** Answers take Graph's time (latency-model.ts), in simulated time. */
  latency: boolean;
}

function onOff(name: string, text: string | undefined): boolean {
  if (text === undefined || text === 'on') return true;
  if (text === 'off') return false;
  throw new UsageError(`--${name} is on or off (got "${text}").`);
}

function parseArguments(args: readonly string[]): CliOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    if (!name.startsWith('--')) throw new UsageError(`Unexpected argument "${name}".`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`${name} needs a value.`);
    values.set(name.slice(2), value);
    i++;
  }
  for (const name of values.keys()) {
    if (
      ![
        'tenant',
        'generate',
        'port',
        'token',
        'time-scale',
        'faults',
        'replication-lag',
        'audit-latency',
        'audit-limit',
        'unchangeable-groups',
        'permissions',
        'premium',
        'automation',
        'automation-schedule',
        'latency',
      ].includes(name)
    ) {
      throw new UsageError(`Unknown option --${name}.`);
    }
  }
  const timeScaleText = values.get('time-scale') ?? '1';
  const timeScale = Number(timeScaleText);
  if (!/^\d+(\.\d+)?$/.test(timeScaleText) || !(timeScale > 0)) {
    throw new UsageError(`--time-scale must be a positive number (got "${timeScaleText}").`);
  }
  const faults = values.get('faults');
  if (faults !== undefined) {
    try {
      parseFaultSpec(faults);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const tenant = values.get('tenant');
  const generate = values.get('generate');
  if (!tenant === !generate) throw new UsageError('Give exactly one of --tenant and --generate.');
  if (generate) {
    try {
      parseGeneratorSpec(generate);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const portText = values.get('port') ?? '0';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    throw new UsageError(`--port must be a port number between 0 and 65535 (got "${portText}").`);
  }
  const token = values.get('token') ?? DEVELOPMENT_TOKEN;
  let replicationLagMs: number;
  try {
    replicationLagMs = parseDuration(values.get('replication-lag') ?? DEFAULT_REPLICATION_LAG);
  } catch (error) {
    throw new UsageError(`--replication-lag: ${(error as Error).message}`);
  }
  let auditLatencyMs = AUDIT_LATENCY_MS;
  try {
    auditLatencyMs = parseDuration(values.get('audit-latency') ?? '5m');
  } catch (error) {
    throw new UsageError(`--audit-latency: ${(error as Error).message}`);
  }
  let schedule = NIGHTLY;
  const scheduleText = values.get('automation-schedule');
  if (scheduleText !== undefined) {
    try {
      schedule = parseAutomationSchedule(scheduleText);
    } catch (error) {
      throw new UsageError(`--automation-schedule: ${(error as Error).message}`);
    }
  }
  return {
    tenant,
    generate,
    port: Number(portText),
    token,
    timeScale,
    faults,
    replicationLagMs,
    auditLatencyMs,
    auditLimit: onOff('audit-limit', values.get('audit-limit')),
    unchangeableGroups: onOff('unchangeable-groups', values.get('unchangeable-groups')),
    grantedPermissions: parsePermissions(values.get('permissions')),
    premiumTenant: onOff('premium', values.get('premium')),
    automation: onOff('automation', values.get('automation')) ? schedule : null,
    latency: onOff('latency', values.get('latency')),
  };
}

/** "none" grants nothing; a name Graph does not know here is refused rather than silently ignored. */
function parsePermissions(text: string | undefined): readonly string[] {
  if (text === undefined) return BOT_PERMISSIONS;
  if (text === 'none') return [];
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !KNOWN_PERMISSIONS.has(name));
  if (unknown.length > 0)
    throw new UsageError(
      `--permissions: unknown permission ${unknown.join(', ')}; use names such as ${BOT_PERMISSIONS.slice(0, 3).join(', ')}, or none.`
    );
  return names;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const simulator = new TenantSimulator({
    tenant: options.generate
      ? generateTenant(parseGeneratorSpec(options.generate))
      : loadTenant(options.tenant ?? ''),
    token: options.token,
    timeScale: options.timeScale,
    faults: options.faults,
    replicationLagMs: options.replicationLagMs,
    auditLatencyMs: options.auditLatencyMs,
    auditLimit: options.auditLimit,
    unchangeableGroups: options.unchangeableGroups,
    grantedPermissions: options.grantedPermissions,
    premiumTenant: options.premiumTenant,
    latency: options.latency,
    ...(options.automation ? { automation: options.automation } : {}),
  });
  const baseUrl = await simulator.start(options.port);
  const users = simulator.directory.users.size;
  console.log(baseUrl);
  console.error(
    `Tenant simulator: ${options.tenant ?? `generated ${options.generate}`} (${users} users) at ${baseUrl}/v1.0; bearer token "${options.token}"; time x${options.timeScale}${options.faults ? `; faults ${options.faults}` : ''}; replication lag ${options.replicationLagMs} ms; Graph's latency ${options.latency ? 'on' : 'off'}${simulator.automation && options.automation ? `; the old license script runs ${options.automation.kind === 'daily' ? `nightly at ${options.automation.atUtc} UTC` : `every ${options.automation.ms} ms`}` : ''}. Ctrl-C stops it.`
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
