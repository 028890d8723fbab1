import { existsSync } from 'node:fs';
import type { GraphCredentialSettings, GraphSettings } from './graph/graph-settings';

/** Bot Framework identity; absent when running anonymously for the Agents Playground. */
export interface BotIdentity {
  readonly appId: string;
  readonly password: string;
  readonly appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  readonly appTenantId: string;
  /** Loopback stand-ins of Microsoft's login and the Bot Framework's OpenID metadata (tests only). */
  readonly endpoints?: BotFrameworkEndpoints;
}

/**
 * What the tenant simulator answers to on loopback: its development token, the app that token stands for and
 * its self-signed certificate. The entry points pass them in (loaded only for a loopback Graph endpoint), so
 * settings for a real tenant never load simulator code.
 */
export interface TenantSimulatorDefaults {
  readonly token: string;
  readonly appId: string;
  readonly certificatePath: string;
}

/**
 * BOT_LOGIN_URL and BOT_OPENID_METADATA_URL: where the bot gets its outgoing token and the keys that sign
 * Teams' tokens, in place of login.microsoftonline.com and login.botframework.com. Whoever serves these
 * decides who may call the bot, so they are taken only on loopback and only against the tenant simulator.
 */
export interface BotFrameworkEndpoints {
  /** An https origin: the token authority is `<loginUrl>/<tenant>`, as MSAL takes https only. */
  readonly loginUrl: string;
  readonly openIdMetadataUrl: string;
  /** The certificate the login stand-in presents (the simulator's loopback one). */
  readonly trustedCertificatePath: string;
}

export interface BotSettings {
  readonly port: number;
  readonly host: string;
  readonly botIdentity: BotIdentity | null;
  /** The only tenant whose activities are served; null means "the tenant Graph reports". */
  readonly tenantId: string | null;
  readonly graph: GraphSettings;
  readonly adminGroupId: string | null;
  readonly approverGroupId: string | null;
  /** How long a sign-off card stays open (APPROVAL_EXPIRY_HOURS, default 24). */
  readonly approvalTtlMs: number;
  /** Azure Blob Storage for every piece of state; null only where a caller supplies storage itself. */
  readonly storage: StorageSettings | null;
  /**
   * GRAPH_TIME_SCALE: how much faster than real time the (loopback) tenant simulator runs, so the write
   * pacer keeps to Graph's ceiling in the simulator's time (benchmarks). 1 against real Graph.
   */
  readonly graphTimeScale: number;
  /**
   * How far behind the latest writes Entra's replicas may answer (GRAPH_REPLICATION_LAG_SECONDS, default
   * 30, in Graph's time): a read that does not show a write is trusted only that long after it.
   */
  readonly replicationLagMs: number;
  /**
   * The soak period (FOLLOW_UP_AFTER_MINUTES, default 1440: 24 h): how long after a wave its users are
   * checked again; the next wave waits for that check.
   */
  readonly followUpAfterMs: number;
  /** How often the runner looks for work (RUNNER_POLL_SECONDS, default 5) and retries (RUNNER_RETRY_SECONDS, 30). */
  readonly runner: { readonly pollMs: number; readonly retryMs: number };
}

/** Where the bot keeps its state: an Azure Storage account (or the Azurite emulator) and a container. */
export type StorageSettings =
  | {
      readonly kind: 'connection-string';
      readonly connectionString: string;
      readonly container: string;
    }
  | {
      readonly kind: 'managed-identity';
      readonly accountUrl: string;
      readonly clientId?: string;
      readonly container: string;
    };

/** A setting that is missing or malformed; its message names the setting and what is expected. */
export class ConfigError extends Error {}

export type Env = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Loopback as a URL hostname ([::1]) or as a listen address (::1). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/**
 * Microsoft Graph's service roots: the global service and the national clouds (Microsoft's "national
 * cloud deployments": US Government L4 and L5 (DoD), and China operated by 21Vianet; Germany's is retired).
 * Any other host would be handed the Graph token.
 */
export const MICROSOFT_GRAPH_HOSTS: ReadonlySet<string> = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);
/** ALLOW_UNSAFE_TIMINGS: the override for a soak period or an approval expiry under this (tests, demos). */
const SAFE_MINIMUM_MS = 60_000;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/**
 * A URL as it may be shown in an error or a log: no user name or password, and no query or fragment,
 * which may carry a SAS signature or a token.
 */
export function redactedUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not a URL: shown only when it cannot hide a query, a password or a signature.
    return /^[\w.:/-]{1,100}$/.test(value) ? `"${value}"` : 'a value that is not a URL';
  }
  const hidden = url.username || url.password || url.search || url.hash;
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}${hidden ? ' (the rest not shown)' : ''}`;
}

function required(env: Env, name: string, why: string): string {
  const value = text(env, name);
  if (value === undefined) throw new ConfigError(`${name} is required ${why}.`);
  return value;
}

function guid(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !GUID.test(value)) {
    // Shown only when it looks like a mistyped id: a secret pasted into the wrong setting is not echoed.
    const shown = /^[0-9A-Za-z{}-]{1,38}$/.test(value) ? `"${value}"` : 'a value not shown here';
    throw new ConfigError(
      `${name} must be a GUID such as 00000000-0000-0000-0000-000000000000 (got ${shown}).`
    );
  }
  return value?.toLowerCase();
}

function requiredGuid(env: Env, name: string, why: string): string {
  required(env, name, why);
  return guid(env, name) as string;
}

function hours(env: Env, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || parsed <= 0 || parsed > 24 * 30) {
    throw new ConfigError(
      `${name} must be a number of hours above 0 and up to 720 (got "${value}").`
    );
  }
  return parsed;
}

function minutes(env: Env, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || parsed > 30 * 24 * 60) {
    throw new ConfigError(
      `${name} must be a number of minutes from 0 to 43200 (30 days) (got "${value}").`
    );
  }
  return parsed;
}

function seconds(env: Env, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || parsed < 0.1 || parsed > 3600) {
    throw new ConfigError(`${name} must be a number of seconds from 0.1 to 3600 (got "${value}").`);
  }
  return parsed;
}

function graphTimeScale(env: Env, graph: GraphSettings): number {
  const value = text(env, 'GRAPH_TIME_SCALE');
  if (value === undefined) return 1;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || parsed < 1 || parsed > 10_000)
    throw new ConfigError(`GRAPH_TIME_SCALE must be a number from 1 to 10000 (got "${value}").`);
  if (parsed !== 1 && !LOOPBACK_HOSTS.has(new URL(graph.baseUrl).hostname))
    throw new ConfigError(
      'GRAPH_TIME_SCALE is for the tenant simulator on loopback; real Graph runs in real time.'
    );
  return parsed;
}

/** A container name as Azure Storage allows it: 3-63 lowercase letters, digits and single hyphens. */
const CONTAINER = /^(?!-)(?!.*--)[a-z0-9-]{3,63}(?<!-)$/;

function storageSettings(env: Env): StorageSettings | null {
  const container = text(env, 'STORAGE_CONTAINER') ?? 'license-migration';
  if (!CONTAINER.test(container)) {
    throw new ConfigError(
      `STORAGE_CONTAINER must be 3-63 lowercase letters, digits and single hyphens (got "${container}").`
    );
  }
  const connectionString = text(env, 'STORAGE_CONNECTION_STRING');
  const accountUrl = text(env, 'STORAGE_ACCOUNT_URL');
  if (connectionString && accountUrl) {
    throw new ConfigError('Set STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_URL, not both.');
  }
  if (connectionString) {
    if (
      !/(^|;)(BlobEndpoint|AccountName)=/i.test(connectionString) &&
      connectionString !== 'UseDevelopmentStorage=true'
    )
      throw new ConfigError(
        'STORAGE_CONNECTION_STRING must be an Azure Storage connection string (AccountName=…;AccountKey=… or BlobEndpoint=…).'
      );
    if (!storageOverTls(connectionString))
      throw new ConfigError(
        'STORAGE_CONNECTION_STRING must reach the storage account over https (DefaultEndpointsProtocol=https, an https BlobEndpoint); plain http is for the Azurite emulator on loopback only.'
      );
    return { kind: 'connection-string', connectionString, container };
  }
  if (accountUrl) {
    // Never echoed whole: a SAS query would put its signature in the log.
    if (!/^https:\/\/[^\s/?#@]+\/?$/.test(accountUrl))
      throw new ConfigError(
        `STORAGE_ACCOUNT_URL must be the account's blob endpoint alone, such as https://contoso.blob.core.windows.net, without a SAS token: the bot signs in with its managed identity (got ${redactedUrl(accountUrl)}).`
      );
    const clientId = guid(env, 'AZURE_CLIENT_ID');
    return {
      kind: 'managed-identity',
      accountUrl: accountUrl.replace(/\/$/, ''),
      container,
      ...(clientId ? { clientId } : {}),
    };
  }
  return null;
}

/** Whether a connection string reaches blob storage over TLS, or over http only to loopback (Azurite). */
function storageOverTls(connectionString: string): boolean {
  if (connectionString === 'UseDevelopmentStorage=true') return true;
  const fields = new Map(
    connectionString
      .split(';')
      .filter((field) => field.includes('='))
      .map((field) => {
        const at = field.indexOf('=');
        return [field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim()] as const;
      })
  );
  const blobEndpoint = fields.get('blobendpoint');
  if (blobEndpoint !== undefined) {
    try {
      const url = new URL(blobEndpoint);
      return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
    } catch {
      return false;
    }
  }
  return (fields.get('defaultendpointsprotocol') ?? 'https').toLowerCase() === 'https';
}

function port(env: Env, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 65535) {
    throw new ConfigError(`${name} must be a port number between 1 and 65535 (got "${value}").`);
  }
  return parsed;
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback?: T): T {
  const value = text(env, name) ?? fallback;
  if (value === undefined)
    throw new ConfigError(`${name} is required: one of ${choices.join(', ')}.`);
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')} (got "${value}").`);
  }
  return value as T;
}

function existingFile(env: Env, name: string, requiredWhen?: string): string | undefined {
  const value = requiredWhen === undefined ? text(env, name) : required(env, name, requiredWhen);
  if (value !== undefined && !existsSync(value)) {
    throw new ConfigError(`${name} names a file that does not exist: "${value}".`);
  }
  return value;
}

/** GRAPH_BASE_URL as an origin: `https://graph.microsoft.com`, or the simulator's loopback address. */
function graphBaseUrl(env: Env): URL {
  const value = required(
    env,
    'GRAPH_BASE_URL',
    "(https://graph.microsoft.com, or the tenant simulator's URL)"
  );
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `GRAPH_BASE_URL must be an absolute URL such as https://graph.microsoft.com (got ${redactedUrl(value)}).`
    );
  }
  if (url.protocol !== 'https:') {
    throw new ConfigError(
      `GRAPH_BASE_URL must use https, as Microsoft Graph does (got ${redactedUrl(value)}).`
    );
  }
  if (
    !/^\/?(v1\.0\/?)?$/.test(url.pathname) ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new ConfigError(
      `GRAPH_BASE_URL must be just the endpoint, without a path other than /v1.0 (got ${redactedUrl(value)}).`
    );
  }
  if (!MICROSOFT_GRAPH_HOSTS.has(url.hostname) && !LOOPBACK_HOSTS.has(url.hostname)) {
    // The Graph client hands its token to this host: anything else would receive the tenant's Graph token.
    throw new ConfigError(
      `GRAPH_BASE_URL must be Microsoft Graph (https://graph.microsoft.com, or a national cloud's: ${[
        ...MICROSOFT_GRAPH_HOSTS,
      ]
        .slice(1)
        .join(', ')}) or the tenant simulator on loopback (got ${url.hostname}).`
    );
  }
  return url;
}

function graphCredential(
  env: Env,
  loopback: boolean,
  simulator: TenantSimulatorDefaults | undefined
): GraphCredentialSettings {
  const kind = oneOf(
    env,
    'GRAPH_CREDENTIAL',
    ['development-token', 'managed-identity', 'client-secret', 'certificate'] as const,
    loopback ? 'development-token' : undefined
  );
  const forCredential = `when GRAPH_CREDENTIAL is ${kind}`;
  switch (kind) {
    case 'development-token':
      if (!loopback) {
        throw new ConfigError(
          'GRAPH_CREDENTIAL=development-token is only for a loopback Graph endpoint (the tenant simulator).'
        );
      }
      return developmentToken(env, simulator);
    case 'managed-identity':
      return { kind, clientId: guid(env, 'AZURE_CLIENT_ID') };
    case 'client-secret':
      return {
        kind,
        tenantId: requiredGuid(env, 'AZURE_TENANT_ID', forCredential),
        clientId: requiredGuid(env, 'AZURE_CLIENT_ID', forCredential),
        clientSecret: required(env, 'AZURE_CLIENT_SECRET', forCredential),
      };
    case 'certificate':
      return {
        kind,
        tenantId: requiredGuid(env, 'AZURE_TENANT_ID', forCredential),
        clientId: requiredGuid(env, 'AZURE_CLIENT_ID', forCredential),
        certificatePath: existingFile(
          env,
          'AZURE_CLIENT_CERTIFICATE_PATH',
          forCredential
        ) as string,
      };
  }
}

function botIdentity(env: Env, tenantId: string | undefined): BotIdentity | null {
  const appId = guid(env, 'BOT_ID');
  if (appId === undefined) return null;
  const appType = oneOf(
    env,
    'BOT_TYPE',
    ['SingleTenant', 'MultiTenant', 'UserAssignedMSI'] as const,
    'SingleTenant'
  );
  const password =
    appType === 'UserAssignedMSI' ? '' : required(env, 'BOT_PASSWORD', 'when BOT_ID is set');
  const appTenantId = guid(env, 'BOT_TENANT_ID') ?? tenantId;
  if (appType !== 'MultiTenant' && appTenantId === undefined) {
    throw new ConfigError(`BOT_TENANT_ID (or TENANT_ID) is required when BOT_TYPE is ${appType}.`);
  }
  return { appId, password, appType, appTenantId: appTenantId ?? '' };
}

/** A loopback URL, or why not (named after the setting); never echoed with a query or a password. */
function loopbackUrl(env: Env, name: string, protocols: readonly string[]): URL | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (
    !url ||
    !protocols.includes(url.protocol) ||
    !LOOPBACK_HOSTS.has(url.hostname) ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  ) {
    throw new ConfigError(
      `${name} is for a loopback stand-in of Microsoft's endpoint in tests: a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL on 127.0.0.1, localhost or [::1], without a query (got ${redactedUrl(value)}).`
    );
  }
  return url;
}

function botFrameworkEndpoints(
  env: Env,
  identity: BotIdentity | null,
  graph: GraphSettings,
  simulator: TenantSimulatorDefaults | undefined
): BotFrameworkEndpoints | undefined {
  const login = loopbackUrl(env, 'BOT_LOGIN_URL', ['https:']);
  const metadata = loopbackUrl(env, 'BOT_OPENID_METADATA_URL', ['http:', 'https:']);
  if (login === undefined && metadata === undefined) return undefined;
  if (login === undefined || metadata === undefined || identity === null) {
    throw new ConfigError(
      "BOT_LOGIN_URL and BOT_OPENID_METADATA_URL go together, with BOT_ID: both Microsoft endpoints of the bot's identity are stood in for, or neither."
    );
  }
  if (identity.appType === 'UserAssignedMSI') {
    throw new ConfigError(
      'BOT_LOGIN_URL stands in for the login a bot with a password uses; BOT_TYPE=UserAssignedMSI gets its token from the managed identity endpoint instead.'
    );
  }
  if (!simulator || !isTenantSimulator(graph, simulator)) {
    // Whoever serves the metadata mints tokens the bot accepts: never in front of a real tenant.
    throw new ConfigError(
      'BOT_LOGIN_URL and BOT_OPENID_METADATA_URL are for tests against the tenant simulator only (a loopback GRAPH_BASE_URL with GRAPH_CREDENTIAL=development-token).'
    );
  }
  if (login.pathname !== '/') {
    throw new ConfigError(
      `BOT_LOGIN_URL must be an origin alone, such as https://127.0.0.1:8444: the tenant is added to it (got ${redactedUrl(login.href)}).`
    );
  }
  return {
    loginUrl: login.origin,
    openIdMetadataUrl: metadata.href,
    trustedCertificatePath: simulator.certificatePath,
  };
}

/** The Graph endpoint and credential (GRAPH_BASE_URL, GRAPH_CREDENTIAL, …), for the bot and the CLI alike. */
export function readGraphSettings(env: Env, simulator?: TenantSimulatorDefaults): GraphSettings {
  const base = graphBaseUrl(env);
  const loopback = LOOPBACK_HOSTS.has(base.hostname);
  return {
    baseUrl: base.origin,
    credential: graphCredential(env, loopback, simulator),
    trustedCertificatePath:
      existingFile(env, 'GRAPH_CA_CERTIFICATE') ??
      (loopback ? simulator?.certificatePath : undefined),
  };
}

/** Whether GRAPH_BASE_URL is on loopback: only then may the entry points load the simulator's defaults. */
export function graphIsOnLoopback(env: Env): boolean {
  return LOOPBACK_HOSTS.has(graphBaseUrl(env).hostname);
}

function developmentToken(
  env: Env,
  simulator: TenantSimulatorDefaults | undefined
): GraphCredentialSettings {
  const token = text(env, 'GRAPH_TOKEN') ?? simulator?.token;
  if (token === undefined) {
    throw new ConfigError(
      "GRAPH_CREDENTIAL=development-token needs GRAPH_TOKEN: the loopback endpoint's bearer token."
    );
  }
  return { kind: 'development-token', token, appId: simulator?.appId };
}

/**
 * Whether the Graph endpoint is the tenant simulator: loopback, with the simulator's development token.
 * Only then may the bot run anonymous, since nothing behind it is a real tenant.
 */
export function isTenantSimulator(
  graph: GraphSettings,
  simulator: TenantSimulatorDefaults | undefined
): boolean {
  return (
    simulator !== undefined &&
    LOOPBACK_HOSTS.has(new URL(graph.baseUrl).hostname) &&
    graph.credential.kind === 'development-token' &&
    graph.credential.token === simulator.token
  );
}

/** ADMIN_GROUP_ID and APPROVER_GROUP_ID: two different groups, so whoever asks is not who signs off. */
function roleGroups(env: Env): { admin: string | null; approver: string | null } {
  const admin = guid(env, 'ADMIN_GROUP_ID') ?? null;
  const approver = guid(env, 'APPROVER_GROUP_ID') ?? null;
  if (admin !== null && admin === approver) {
    throw new ConfigError(
      'ADMIN_GROUP_ID and APPROVER_GROUP_ID name the same group: approvers must be a different group from the admins who ask, so that nobody signs off their own work alone.'
    );
  }
  return { admin, approver };
}

/**
 * A soak period under a minute (FOLLOW_UP_AFTER_MINUTES=0 turns it off) or a sign-off card that expires
 * within a minute weakens the safeguards: accepted only with ALLOW_UNSAFE_TIMINGS=true (tests, demos).
 */
function checkTimings(env: Env, followUpAfterMs: number, approvalTtlMs: number): void {
  const allowed =
    oneOf(env, 'ALLOW_UNSAFE_TIMINGS', ['true', 'false'] as const, 'false') === 'true';
  if (allowed) return;
  if (followUpAfterMs < SAFE_MINIMUM_MS) {
    throw new ConfigError(
      `FOLLOW_UP_AFTER_MINUTES=${text(env, 'FOLLOW_UP_AFTER_MINUTES')} ${
        followUpAfterMs === 0 ? 'turns off' : 'all but removes'
      } the soak period, so a wave's users are checked again before a problem can show; use at least 1, or set ALLOW_UNSAFE_TIMINGS=true for a test or a demo.`
    );
  }
  if (approvalTtlMs < SAFE_MINIMUM_MS) {
    throw new ConfigError(
      `APPROVAL_EXPIRY_HOURS=${text(env, 'APPROVAL_EXPIRY_HOURS')} makes a sign-off card expire within a minute; use at least 0.02 (72 seconds), or set ALLOW_UNSAFE_TIMINGS=true for a test or a demo.`
    );
  }
}

function withEndpoints(
  identity: BotIdentity | null,
  env: Env,
  graph: GraphSettings,
  simulator: TenantSimulatorDefaults | undefined
): BotIdentity | null {
  const endpoints = botFrameworkEndpoints(env, identity, graph, simulator);
  return identity && endpoints ? { ...identity, endpoints } : identity;
}

/** Reads and checks every setting once, at start-up. Throws ConfigError naming the first bad one. */
export function readBotSettings(env: Env, simulator?: TenantSimulatorDefaults): BotSettings {
  const tenantId = guid(env, 'TENANT_ID');
  const graph = readGraphSettings(env, simulator);
  const host = text(env, 'HOST') ?? '127.0.0.1';
  const identity = withEndpoints(botIdentity(env, tenantId), env, graph, simulator);
  if (identity === null && !isTenantSimulator(graph, simulator)) {
    // Without an app id nothing is authenticated: whoever reaches the port could act as any admin on a
    // real tenant. Anonymous is for the Agents Playground against the tenant simulator only.
    throw new ConfigError(
      'BOT_ID is required (with BOT_PASSWORD): without it nobody calling the bot is authenticated, which is allowed only against the tenant simulator (a loopback GRAPH_BASE_URL with GRAPH_CREDENTIAL=development-token).'
    );
  }
  if (identity === null && !LOOPBACK_HOSTS.has(host)) {
    // Without an app id nothing is authenticated: anyone reaching the port could ask for tenant data.
    throw new ConfigError(
      `HOST=${host} needs BOT_ID and BOT_PASSWORD: without them the bot is anonymous and may listen on loopback only.`
    );
  }
  const groups = roleGroups(env);
  const approvalTtlMs = hours(env, 'APPROVAL_EXPIRY_HOURS', 24) * 3_600_000;
  const followUpAfterMs = minutes(env, 'FOLLOW_UP_AFTER_MINUTES', 24 * 60) * 60_000;
  checkTimings(env, followUpAfterMs, approvalTtlMs);
  return {
    port: port(env, 'PORT', 3978),
    host,
    botIdentity: identity,
    tenantId: tenantId ?? null,
    graph,
    adminGroupId: groups.admin,
    approverGroupId: groups.approver,
    approvalTtlMs,
    followUpAfterMs,
    storage: storageSettings(env),
    graphTimeScale: graphTimeScale(env, graph),
    replicationLagMs: seconds(env, 'GRAPH_REPLICATION_LAG_SECONDS', 30) * 1000,
    runner: {
      pollMs: seconds(env, 'RUNNER_POLL_SECONDS', 5) * 1000,
      retryMs: seconds(env, 'RUNNER_RETRY_SECONDS', 30) * 1000,
    },
  };
}
