import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_TOKEN } from './development-token';
import { Directory } from './directory';
import { GraphError, errorBody, newRequestId } from './graph-error';
import { LicenseProcessor, REALISTIC_TIMINGS, type ProcessingTimings } from './license-processor';
import { loopbackTlsOptions } from './loopback-certificate';
import { auditRoutes } from './routes/audit-routes';
import { groupRoutes } from './routes/group-routes';
import { Reply, type Route } from './routes/route';
import { tenantRoutes } from './routes/tenant-routes';
import { userRoutes } from './routes/user-routes';
import type { TenantFixture } from './tenant-fixture';

export { DEVELOPMENT_TOKEN };

export interface SimulatorOptions {
  readonly tenant: TenantFixture;
  readonly token?: string;
  /** Background group license processing; minutes by default, shortened by timeScale. */
  readonly timings?: Partial<ProcessingTimings>;
  readonly now?: () => Date;
  /** The application the accepted token stands for; the actor of changes in the audit log. */
  readonly callerApp?: { readonly displayName: string; readonly appId: string };
}

/** The app the development token stands for. */
export const DEVELOPMENT_CALLER = {
  displayName: 'License migration bot',
  appId: 'a1c0ffee-0000-4000-8000-00000000b07a',
};

const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/**
 * Microsoft Graph v1.0 for one tenant, on loopback TLS. Behaviour follows ../shared/graph/BEHAVIOUR.md;
 * bodies follow the official schema subset in ../shared/graph/.
 *
 * A small router of our own rather than restify: Graph's OData paths ($ref, ids or UPNs with '@') and
 * its exact error envelope need control that a general web framework gets in the way of.
 */
export class TenantSimulator {
  readonly directory: Directory;
  readonly processor: LicenseProcessor;
  private readonly token: string;
  private readonly routes: Route[];
  private server: Server | null = null;
  private base = '';
  /** Called for every request received, before it is answered (tests and benchmarks count calls). */
  onRequest: ((method: string, url: string) => void) | null = null;

  constructor(options: SimulatorOptions) {
    this.directory = new Directory(options.tenant, options.now);
    this.processor = new LicenseProcessor(this.directory, {
      ...REALISTIC_TIMINGS,
      ...options.timings,
    });
    this.token = options.token ?? DEVELOPMENT_TOKEN;
    const caller = options.callerApp ?? DEVELOPMENT_CALLER;
    const state = {
      directory: this.directory,
      processor: this.processor,
      caller: { kind: 'app' as const, ...caller },
    };
    this.routes = [
      ...tenantRoutes(state),
      ...userRoutes(state),
      ...groupRoutes(state),
      ...auditRoutes(state),
    ];
  }

  /** The base URL to configure as GRAPH_BASE_URL (paths are under `/v1.0/`). */
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
    return this.base;
  }

  async stop(): Promise<void> {
    this.processor.stop();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const requestId = newRequestId();
    const clientRequestId = header(req, 'client-request-id') ?? requestId;
    const respond = (
      status: number,
      body: unknown,
      headers: Readonly<Record<string, string>> = {}
    ) => {
      res.writeHead(status, {
        ...(body === undefined ? {} : { 'content-type': JSON_CONTENT_TYPE }),
        'odata-version': '4.0',
        'request-id': requestId,
        'client-request-id': clientRequestId,
        ...headers,
      });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    this.onRequest?.(req.method ?? '', req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        this.authenticate(req);
        const reply = this.dispatch(
          req.method ?? 'GET',
          req.url ?? '/',
          Buffer.concat(chunks).toString('utf8')
        );
        if (reply instanceof Reply) respond(reply.status, reply.body, reply.headers);
        else respond(200, reply);
      } catch (error) {
        const graphError =
          error instanceof GraphError
            ? error
            : new GraphError(
                500,
                'generalException',
                error instanceof Error ? error.message : String(error)
              );
        respond(
          graphError.status,
          errorBody(graphError, requestId, clientRequestId),
          graphError.headers
        );
      }
    });
  }

  private dispatch(method: string, rawUrl: string, bodyText: string): unknown {
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
    let body: unknown = undefined;
    if (bodyText.trim() !== '') {
      try {
        body = JSON.parse(bodyText);
      } catch {
        throw new GraphError(
          400,
          'BadRequest',
          'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'
        );
      }
    }
    const params = route.pattern.exec(path)?.slice(1) ?? [];
    return route.handler({ url, params, body, baseUrl: this.base });
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

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function lastSegment(path: string): string {
  const segments = path.split('/').filter(Boolean);
  return segments[segments.length - 1] ?? '';
}
