import { DEVELOPMENT_TOKEN } from './development-token';
import { parseFaultSpec } from './fault-injection';
import { loadTenant } from './load-tenant';
import { generateTenant, parseGeneratorSpec } from './scenarios/generated-tenant';
import { parseDuration } from './duration';
import { BOT_PERMISSIONS, KNOWN_PERMISSIONS } from './graph-permissions';
import { AUDIT_LATENCY_MS, type SimulatorOptions } from './simulator-server';
import { NIGHTLY, parseAutomationSchedule, type AutomationSchedule } from './automation-schedule';

export const USAGE =
  "Usage: npm run simulator -- (--tenant <fixture.json | demo | empty | tricky> | --generate users=<n>[,grouped=<p>%][,disabled=<p>%][,seed=<s>]) --port <n> [--token <t>] [--time-scale <k>] [--faults <spec>] [--replication-lag <duration, default 5s; 0 turns it off>] [--audit-latency <duration>] [--audit-limit on|off] [--unchangeable-groups on|off] [--permissions <comma-separated application permissions, default the bot's>] [--premium on|off] [--automation on|off] [--automation-schedule <HH:MM UTC | every <duration>, default 02:00>] [--throttled-batch-status 200|424] [--latency on|off, default on]";

/** Entra's replicas typically catch up within seconds (simulated time). */
const DEFAULT_REPLICATION_LAG = '5s';

const OPTION_NAMES = [
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
  'throttled-batch-status',
  'latency',
];

/** A command line the simulator cannot run with: the message says which option and why. */
export class UsageError extends Error {}

export interface SimulatorCliOptions {
  readonly tenant: string | undefined;
  readonly generate: string | undefined;
  readonly port: number;
  readonly token: string;
  readonly timeScale: number;
  readonly faults: string | undefined;
  readonly replicationLagMs: number;
  readonly auditLatencyMs: number;
  readonly auditLimit: boolean;
  readonly unchangeableGroups: boolean;
  readonly grantedPermissions: readonly string[];
  readonly premiumTenant: boolean;
  /** When the tenant's old license script runs; null: it does not. */
  readonly automation: AutomationSchedule | null;
  /** The outer status of a `$batch` with a throttled item (Microsoft's pages say 200 or 424). */
  readonly throttledBatchStatus: 200 | 424;
  /** Answers take Graph's time (latency-model.ts), in simulated time. */
  readonly latency: boolean;
}

/** The simulator's command line, checked whole: any bad option is refused before anything starts. */
export function parseSimulatorArguments(args: readonly string[]): SimulatorCliOptions {
  const values = optionValues(args);
  const tenant = values.get('tenant');
  const generate = values.get('generate');
  if (!tenant === !generate) throw new UsageError('Give exactly one of --tenant and --generate.');
  if (generate) checked('--generate', () => parseGeneratorSpec(generate));
  const faults = values.get('faults');
  if (faults !== undefined) checked('--faults', () => parseFaultSpec(faults));
  const portText = values.get('port') ?? '0';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    throw new UsageError(`--port must be a port number between 0 and 65535 (got "${portText}").`);
  }
  const scheduleText = values.get('automation-schedule');
  const schedule =
    scheduleText === undefined
      ? NIGHTLY
      : checked('--automation-schedule', () => parseAutomationSchedule(scheduleText));
  return {
    tenant,
    generate,
    port: Number(portText),
    token: values.get('token') ?? DEVELOPMENT_TOKEN,
    timeScale: parseTimeScale(values.get('time-scale') ?? '1'),
    faults,
    replicationLagMs: checked('--replication-lag', () =>
      parseDuration(values.get('replication-lag') ?? DEFAULT_REPLICATION_LAG)
    ),
    auditLatencyMs: checked('--audit-latency', () =>
      parseDuration(values.get('audit-latency') ?? `${AUDIT_LATENCY_MS / 60_000}m`)
    ),
    auditLimit: onOff('audit-limit', values.get('audit-limit')),
    unchangeableGroups: onOff('unchangeable-groups', values.get('unchangeable-groups')),
    grantedPermissions: parsePermissions(values.get('permissions')),
    premiumTenant: onOff('premium', values.get('premium')),
    automation: onOff('automation', values.get('automation')) ? schedule : null,
    throttledBatchStatus: parseBatchStatus(values.get('throttled-batch-status')),
    latency: onOff('latency', values.get('latency')),
  };
}

/** What the command line asks of the simulator, its tenant loaded or generated. */
export function simulatorOptionsOf(options: SimulatorCliOptions): SimulatorOptions {
  return {
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
    throttledBatchStatus: options.throttledBatchStatus,
    latency: options.latency,
    ...(options.automation ? { automation: options.automation } : {}),
  };
}

/** `--name value` pairs; an unknown name, a stray word or a missing value is refused. */
function optionValues(args: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i];
    if (!name.startsWith('--')) throw new UsageError(`Unexpected argument "${name}".`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`${name} needs a value.`);
    values.set(name.slice(2), value);
  }
  for (const name of values.keys()) {
    if (!OPTION_NAMES.includes(name)) throw new UsageError(`Unknown option --${name}.`);
  }
  return values;
}

/** Runs a parser of one option's value; its complaint is prefixed with the option's name. */
function checked<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${option}: ${(error as Error).message}`);
  }
}

function parseTimeScale(text: string): number {
  const timeScale = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(timeScale > 0)) {
    throw new UsageError(`--time-scale must be a positive number (got "${text}").`);
  }
  return timeScale;
}

function onOff(name: string, text: string | undefined): boolean {
  if (text === undefined || text === 'on') return true;
  if (text === 'off') return false;
  throw new UsageError(`--${name} is on or off (got "${text}").`);
}

/** 200 unless told 424: the two statuses Microsoft's pages give for a batch with a throttled item. */
function parseBatchStatus(text: string | undefined): 200 | 424 {
  if (text === undefined || text === '200') return 200;
  if (text === '424') return 424;
  throw new UsageError(
    `--throttled-batch-status is 200 or 424, the outer status of a $batch in which an item was throttled (got "${text}").`
  );
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
