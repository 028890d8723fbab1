import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_APP, DEVELOPMENT_TOKEN } from './development-token';
import { Directory } from './directory';
import { DYNAMIC_MEMBERSHIP_DELAY_MS, DynamicMembershipProcessor } from './dynamic-membership';
import { FaultInjector } from './fault-injection';
import { GraphError, errorBody, newRequestId } from './graph-error';
import { BOT_PERMISSIONS, authorize } from './graph-permissions';
import { executeBatch, type GraphExchange } from './json-batch';
import { LatencyModel } from './latency-model';
import { LicenseProcessor, REALISTIC_TIMINGS, type ProcessingTimings } from './license-processor';
import { loopbackTlsOptions } from './loopback-certificate';
import { auditRoutes } from './routes/audit-routes';
import { groupRoutes } from './routes/group-routes';
import { groupUpdateRoutes } from './routes/group-update-routes';
import { timelineRoutes } from './routes/timeline-routes';
import { Reply, type Route } from './routes/route';
import { tenantRoutes } from './routes/tenant-routes';
import { userRoutes } from './routes/user-routes';
import { Replication } from './replication';
import type { AutomationSchedule } from './automation-schedule';
import { RunningAutomation } from './running-automation';
import { SimulatedClock } from './simulated-clock';
import type { TenantFixture } from './tenant-fixture';
import { Throttle, requestCost, resourceUnitQuota } from './throttling';

export { DEVELOPMENT_TOKEN };

export interface SimulatorOptions {
  readonly tenant: TenantFixture;
  readonly token?: string;
  /** Simulated time runs this many times faster than real time (processing, throttling windows). */
  readonly timeScale?: number;
  /** Background group license processing, in simulated milliseconds; minutes by default. */
  readonly timings?: Partial<Omit<ProcessingTimings, 'timeScale'>>;
  /** Graph's identity throttling limits; on unless turned off. */
  readonly throttling?: boolean;
  /** Deliberate faults, e.g. "503:2%,lost:1%,seed:7" (see fault-injection.ts). */
  readonly faults?: string;
  /**
   * Eventual consistency: reads may lag the latest writes by up to this many simulated ms, and new
   * objects answer 404 until replicated (replication.ts). Off (0) unless given.
   */
  readonly replicationLagMs?: number;
  /** Every read is served by the replica furthest behind (the worst case, deterministic for tests). */
  readonly slowestReplica?: boolean;
  /**
   * How long after a change its audit entry can be read, in simulated milliseconds. Real tenants take
   * minutes (third parties observe 5–60); default AUDIT_LATENCY_MS.
   */
  readonly auditLatencyMs?: number;
  /** The audit log's own limit, 5 requests per 10 s per app (identity and access reports); on unless false. */
  readonly auditLimit?: boolean;
  /** Synced, dynamic and role-assignable groups refuse member changes as in Entra; on unless false. */
  readonly unchangeableGroups?: boolean;
  /**
   * The status of a `$batch` answer when an item in it was throttled: 200 (json-batching.md: "If the batch
   * request is parseable, the status code is 200") unless told 424 (throttling.md: "The batch itself fails
   * with a status code of 424 (Failed Dependency)"). Microsoft's pages disagree; the body has every
   * item's answer either way.
   */
  readonly throttledBatchStatus?: 200 | 424;
  /**
   * The tenant's old license script keeps running on this schedule (simulated time): joiners, leavers,
   * writes against the tenant's quota (running-automation.ts). Off unless given; needs the fixture's
   * `existingAutomation`.
   */
  readonly automation?: AutomationSchedule;
  /**
   * Simulated milliseconds from a change (group created, rule changed, user attributes changed) to the
   * dynamic groups' membership reflecting it; default DYNAMIC_MEMBERSHIP_DELAY_MS.
   */
  readonly dynamicMembershipDelayMs?: number;
  /** The application the accepted token stands for; the actor of changes in the audit log. */
  readonly callerApp?: { readonly displayName: string; readonly appId: string };
  /**
   * The application permissions the token carries (graph-permissions.ts says which each route needs);
   * every permission the bot's README asks for unless given.
   */
  readonly grantedPermissions?: readonly string[];
  /** The tenant has Entra ID P1 or P2: without it the audit log answers 403. On unless false. */
  readonly premiumTenant?: boolean;
  /**
   * Answers take as long as Graph's, in simulated time (latency-model.ts): off unless given; `true` or a
   * seed for the draws (the benchmark turns it on).
   */
  readonly latency?: boolean | { readonly seed: number };
}

/** Audit entries reach Graph this long after the change unless told otherwise (simulated time). */
export const AUDIT_LATENCY_MS = 5 * 60_000;

/** The app the development token stands for. */
export const DEVELOPMENT_CALLER = { ...DEVELOPMENT_APP };

const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const PAYLOAD_ERROR =
  'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';

/**
 * Microsoft Graph v1.0 for one tenant, on loopback TLS. Behaviour follows ../shared/graph/BEHAVIOUR.md;
 * bodies follow the official schema subset in ../shared/graph/.
 *
 * A small router of our own rather than restify: Graph's OData paths ($ref, $batch, ids or UPNs with
 * '@') and its exact error envelope need control that a general web framework gets in the way of.
 */
export class TenantSimulator {
  readonly directory: Directory;
  readonly processor: LicenseProcessor;
  readonly dynamicMembership: DynamicMembershipProcessor;
  readonly clock: SimulatedClock;
  /** The tenant's old license script, when it runs (`automation`); tests may run it at will. */
  readonly automation: RunningAutomation | null;
  private readonly automationSchedule: AutomationSchedule | null;
  private readonly token: string;
  private readonly routes: Route[];
  private readonly throttle: Throttle | null;
  private readonly faults: FaultInjector | null;
  private readonly callerAppId: string;
  private readonly throttledBatchStatus: 200 | 424;
  private readonly latency: LatencyModel | null;
  private server: Server | null = null;
  private base = '';
  /** Answers held back by the latency model or a latency fault; cleared on stop. */
  private readonly delayed = new Set<NodeJS.Timeout>();
  /** Called for every request received, before it is answered (tests and benchmarks count calls). */
  onRequest: ((method: string, url: string) => void) | null = null;
  /** What callers have spent, for benchmarks: resource units and writes charged, requests throttled. */
  readonly usage = { resourceUnits: 0, writes: 0, throttled: 0, latencyMs: 0 };
  /** Called with every answer, batch items included (benchmarks count throttled and failed calls). */
  onResponse: ((method: string, url: string, status: number) => void) | null = null;
  /** What the token may do; an admin may grant or revoke consent while the bot runs (tests do). */
  grantedPermissions: Set<string>;
  premiumTenant: boolean;

  constructor(options: SimulatorOptions) {
    this.clock = new SimulatedClock(options.timeScale ?? 1);
    this.directory = new Directory(options.tenant, () => this.clock.now());
    if ((options.replicationLagMs ?? 0) > 0)
      this.directory.replication = new Replication(
        options.replicationLagMs ?? 0,
        () => this.clock.now().getTime(),
        options.slowestReplica ? () => 1 : undefined
      );
    this.processor = new LicenseProcessor(this.directory, {
      ...REALISTIC_TIMINGS,
      ...options.timings,
      timeScale: this.clock.timeScale,
    });
    this.dynamicMembership = new DynamicMembershipProcessor(this.directory, this.processor, {
      delayMs: options.dynamicMembershipDelayMs ?? DYNAMIC_MEMBERSHIP_DELAY_MS,
      timeScale: this.clock.timeScale,
    });
    this.token = options.token ?? DEVELOPMENT_TOKEN;
    this.grantedPermissions = new Set(options.grantedPermissions ?? BOT_PERMISSIONS);
    this.premiumTenant = options.premiumTenant ?? true;
    const caller = options.callerApp ?? DEVELOPMENT_CALLER;
    this.throttle =
      options.throttling === false
        ? null
        : new Throttle(
            () => this.clock.elapsedMs(),
            resourceUnitQuota(this.directory.users.size),
            options.auditLimit ?? true
          );
    this.directory.audit.latencyMs = options.auditLatencyMs ?? AUDIT_LATENCY_MS;
    this.callerAppId = caller.appId;
    this.throttledBatchStatus = options.throttledBatchStatus ?? 200;
    this.faults = FaultInjector.fromSpec(options.faults);
    const latency = options.latency ?? false;
    this.latency =
      latency === false ? null : new LatencyModel(latency === true ? undefined : latency.seed);
    const script = options.tenant.existingAutomation;
    this.automationSchedule = options.automation ?? null;
    this.automation =
      script && this.automationSchedule
        ? new RunningAutomation(
            this.directory,
            script,
            () => this.throttle?.chargeOtherAppWrite() ?? true
          )
        : null;
    const state = {
      directory: this.directory,
      processor: this.processor,
      caller: { kind: 'app' as const, ...caller },
      unchangeableGroups: options.unchangeableGroups ?? true,
      dynamicMembership: this.dynamicMembership,
    };
    this.routes = [
      ...tenantRoutes(state),
      ...userRoutes(state),
      ...groupRoutes(state),
      ...groupUpdateRoutes(state),
      ...timelineRoutes(state),
      ...auditRoutes(state),
    ];
  }

  /** The base URL to configure as GRAPH_BASE_URL (paths are under `/v1.0/`). */
  /**
   * Spends this many of the caller app's writes as if it had just sent them: for a test of a wave that
   * starts near Graph's write ceiling, without sending thousands of writes first.
   */
  spendCallerWrites(count: number): void {
    this.throttle?.charge({ resourceUnits: 0, writes: count });
  }

  get baseUrl(): string {
    return this.base;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer(loopbackTlsOptions(), (req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.base = `https://${host}:${(server.address() as AddressInfo).port}`;
    if (this.automationSchedule)
      this.automation?.start(this.automationSchedule, (ms) => this.clock.toRealMs(ms));
    return this.base;
  }

  async stop(): Promise<void> {
    this.processor.stop();
    this.automation?.stop();
    this.dynamicMembership.stop();
    this.delayed.forEach((timer) => clearTimeout(timer));
    this.delayed.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const requestId = newRequestId();
    const clientRequestId = header(req, 'client-request-id') ?? requestId;
    this.onRequest?.(method, rawUrl);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let exchange: GraphExchange;
      let latencyMs = 0;
      try {
        this.authenticate(req);
        const fault = this.faults?.next(new URL(rawUrl, 'https://x').pathname) ?? null;
        if (fault?.kind === 'latency') latencyMs = fault.ms;
        if (fault?.kind === 'reset') {
          req.socket.destroy();
          return;
        }
        if (fault?.kind === 'status') throw faultError(fault.status);
        const body = parseBody(Buffer.concat(chunks).toString('utf8'));
        const headers = { consistencylevel: header(req, 'consistencylevel') ?? '' };
        exchange = /^\/v1\.0\/\$batch\/?$/i.test(new URL(rawUrl, 'https://x').pathname)
          ? this.executeBatch(method, body)
          : this.execute(method, rawUrl, body, headers);
        if (fault?.kind === 'lost') throw faultError(504);
      } catch (error) {
        exchange = errorExchange(error, requestId, clientRequestId);
      }
      this.onResponse?.(method, rawUrl, exchange.status);
      latencyMs += this.modelledLatencyRealMs(rawUrl, exchange);
      const answer = exchange;
      const send = () => {
        res.writeHead(answer.status, {
          ...(answer.body === undefined ? {} : { 'content-type': JSON_CONTENT_TYPE }),
          'odata-version': '4.0',
          'request-id': requestId,
          'client-request-id': clientRequestId,
          ...answer.headers,
        });
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      };
      if (latencyMs > 0) {
        const timer = setTimeout(() => {
          this.delayed.delete(timer);
          send();
        }, latencyMs);
        this.delayed.add(timer);
      } else send();
    });
  }

  /**
   * Graph's answer time for this request (latency-model.ts), in real ms; counted in simulated ms. A `$batch`
   * that was run takes as long as its slowest item plus overhead; one refused whole, as a single request;
   * a collection's page, more the more objects it holds.
   */
  private modelledLatencyRealMs(rawUrl: string, exchange: GraphExchange): number {
    if (!this.latency) return 0;
    const items = /^\/v1\.0\/\$batch\/?$/i.test(new URL(rawUrl, 'https://x').pathname)
      ? (exchange.body as { responses?: unknown[] } | undefined)?.responses?.length
      : undefined;
    const page = (exchange.body as { value?: unknown } | undefined)?.value;
    const simulatedMs = items
      ? this.latency.batchMs(items)
      : Array.isArray(page)
        ? this.latency.pageMs(page.length)
        : this.latency.requestMs();
    this.usage.latencyMs += simulatedMs;
    return this.clock.toRealMs(simulatedMs);
  }

  private executeBatch(method: string, body: unknown): GraphExchange {
    if (method !== 'POST') {
      throw new GraphError(
        405,
        'Request_BadRequest',
        'Specified HTTP method is not allowed for the request target.'
      );
    }
    const answer = executeBatch(body, (itemMethod, url, itemBody, headers) => {
      const fault = this.faults?.next(new URL(url, 'https://x').pathname) ?? null;
      const requestId = newRequestId();
      let exchange: GraphExchange;
      if (fault?.kind === 'status' || fault?.kind === 'reset') {
        exchange = errorExchange(
          faultError(fault.kind === 'status' ? fault.status : 503),
          requestId,
          requestId
        );
      } else {
        exchange = this.execute(itemMethod, url, itemBody, lowerCaseKeys(headers));
        if (fault?.kind === 'lost') exchange = errorExchange(faultError(504), requestId, requestId);
      }
      this.onResponse?.(itemMethod, url, exchange.status);
      return exchange;
    });
    const responses = (answer.body as { responses?: { status: number }[] } | undefined)?.responses;
    return this.throttledBatchStatus === 424 && responses?.some((r) => r.status === 429)
      ? { ...answer, status: 424 }
      : answer;
  }

  /** One Graph request, already authenticated: route, throttle, run. Errors come back as exchanges. */
  private execute(
    method: string,
    rawUrl: string,
    body: unknown,
    headers: Readonly<Record<string, string>>
  ): GraphExchange {
    const requestId = newRequestId();
    try {
      const url = new URL(rawUrl, this.base || 'https://127.0.0.1');
      const path = decodeURIComponent(url.pathname);
      const candidates = this.routes.filter((r) => r.pattern.test(path));
      const route = candidates.find((r) => r.method === method);
      if (!route) {
        throw candidates.length > 0
          ? new GraphError(
              405,
              'Request_BadRequest',
              'Specified HTTP method is not allowed for the request target.'
            )
          : new GraphError(
              400,
              'BadRequest',
              `Resource not found for the segment '${lastSegment(path)}'.`
            );
      }
      authorize(this.grantedPermissions, this.premiumTenant, method, path);
      if (
        url.searchParams.get('$count') === 'true' &&
        headers.consistencylevel?.toLowerCase() !== 'eventual'
      ) {
        // $count on directory objects is an advanced query (BEHAVIOUR.md §1); wording unverified.
        throw new GraphError(
          400,
          'Request_UnsupportedQuery',
          'Count is supported only with the ConsistencyLevel header set to eventual.'
        );
      }
      const throttled = this.chargeThrottle(method, path, url.searchParams);
      if (throttled) return throttled;
      const params = route.pattern.exec(path)?.slice(1) ?? [];
      const result = route.handler({ url, params, body, baseUrl: this.base });
      return result instanceof Reply
        ? { status: result.status, body: result.body, headers: { ...result.headers } }
        : { status: 200, body: result, headers: {} };
    } catch (error) {
      return errorExchange(error, requestId, requestId);
    }
  }

  private chargeThrottle(
    method: string,
    path: string,
    query: URLSearchParams
  ): GraphExchange | null {
    if (!this.throttle) return null;
    const cost = requestCost(method, path, query);
    const decision = this.throttle.charge(cost);
    if (decision.allowed) {
      this.usage.resourceUnits += decision.resourceUnits;
      this.usage.writes += cost.writes;
      return null;
    }
    this.usage.throttled += 1;
    const seconds = Math.max(0.001, this.clock.toRealMs(decision.retryAfterSimulatedMs) / 1000);
    const requestId = newRequestId();
    return errorExchange(
      new GraphError(429, 'TooManyRequests', 'Please retry again later.', {
        'retry-after': String(Number(seconds.toFixed(3))),
        'x-ms-throttle-scope':
          decision.scope === 'Tenant'
            ? `Tenant/Write/${this.directory.organization.id}`
            : `Tenant_Application/ReadWrite/${this.callerAppId}/${this.directory.organization.id}`,
        'x-ms-throttle-information': decision.information,
      }),
      requestId,
      requestId
    );
  }

  private authenticate(req: IncomingMessage): void {
    const authorization = header(req, 'authorization');
    if (!authorization) {
      throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    }
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (!match || match[1] !== this.token) {
      throw new GraphError(
        401,
        'InvalidAuthenticationToken',
        'Access token validation failure. Invalid audience.'
      );
    }
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new GraphError(400, 'BadRequest', PAYLOAD_ERROR);
  }
}

function faultError(status: number): GraphError {
  const known: Record<number, [string, string]> = {
    429: ['TooManyRequests', 'Please retry again later.'],
    500: ['generalException', 'An internal server error occurred.'],
    502: ['BadGateway', 'Bad gateway.'],
    503: ['ServiceUnavailable', 'The service is temporarily unavailable.'],
    504: ['GatewayTimeout', 'The gateway timed out.'],
  };
  const [code, message] = known[status] ?? ['generalException', 'Injected fault.'];
  return new GraphError(
    status,
    code,
    message,
    status === 429 || status === 503 ? { 'retry-after': '1' } : {}
  );
}

function errorExchange(error: unknown, requestId: string, clientRequestId: string): GraphExchange {
  const graphError =
    error instanceof GraphError
      ? error
      : new GraphError(
          500,
          'generalException',
          error instanceof Error ? error.message : String(error)
        );
  return {
    status: graphError.status,
    body: errorBody(graphError, requestId, clientRequestId),
    headers: { ...graphError.headers },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function lastSegment(path: string): string {
  const segments = path.split('/').filter(Boolean);
  return segments[segments.length - 1] ?? '';
}
