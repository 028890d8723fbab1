import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_TOKEN } from './development-token';
import { Directory } from './directory';
import { loopbackTlsOptions } from './loopback-certificate';
import { GraphError, errorBody, newRequestId, notFound } from './graph-error';
import { parseUserFilter } from './user-filter';
import {
  GROUP_DEFAULT_PROPERTIES,
  GROUP_PROPERTIES,
  GROUP_TYPE,
  USER_DEFAULT_PROPERTIES,
  USER_PROPERTIES,
  USER_TYPE,
  groupView,
  organizationView,
  subscribedSkuViews,
  userView,
} from './graph-views';
import { applySelect, decodeSkipToken, encodeSkipToken, parseODataQuery } from './odata-query';
import type { TenantFixture } from './tenant-fixture';

export { DEVELOPMENT_TOKEN };

export interface SimulatorOptions {
  readonly tenant: TenantFixture;
  readonly token?: string;
}

interface RequestContext {
  readonly url: URL;
  readonly params: readonly string[];
  readonly baseUrl: string;
}

type Handler = (context: RequestContext) => unknown;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

// A small router of our own rather than restify: Graph's OData paths ($ref, $batch, $count, ids or UPNs
// with '@') need exact control over matching and errors that a general web framework gets in the way of.
const SEGMENT = '([^/]+)';

/**
 * Microsoft Graph v1.0 for one tenant, on loopback. Behaviour follows ../shared/graph/BEHAVIOUR.md;
 * bodies follow the official schema subset in ../shared/graph/.
 */
export class TenantSimulator {
  readonly directory: Directory;
  private readonly token: string;
  private readonly routes: Route[];
  private server: Server | null = null;
  private base = '';
  /** Called for every request received, before it is answered (tests and benchmarks count calls). */
  onRequest: ((method: string, url: string) => void) | null = null;

  constructor(options: SimulatorOptions) {
    this.directory = new Directory(options.tenant);
    this.token = options.token ?? DEVELOPMENT_TOKEN;
    this.routes = [
      this.route('GET', '/organization', () =>
        this.collection('organization', [organizationView(this.directory)])
      ),
      this.route('GET', '/subscribedSkus', (c) =>
        this.collection('subscribedSkus', subscribedSkuViews(this.directory), c)
      ),
      this.route('GET', '/users', (c) => this.listUsers(c)),
      this.route('GET', `/users/${SEGMENT}`, (c) => this.getUser(c)),
      this.route('GET', '/groups', (c) => this.listGroups(c)),
      this.route('GET', `/groups/${SEGMENT}`, (c) => this.getGroup(c)),
      this.route('GET', `/groups/${SEGMENT}/members`, (c) => this.listMembers(c)),
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
    const address = server.address() as AddressInfo;
    this.base = `https://${host}:${address.port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private route(method: string, path: string, handler: Handler): Route {
    return { method, pattern: new RegExp(`^/v1\\.0${path}/?$`), handler };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const requestId = newRequestId();
    const clientRequestId = header(req, 'client-request-id');
    const respond = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        'content-type':
          'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
        'odata-version': '4.0',
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
        ...headers,
      });
      res.end(text);
    };
    this.onRequest?.(req.method ?? '', req.url ?? '');
    // Drain any body so keep-alive connections stay usable.
    req.resume();
    req.on('end', () => {
      try {
        this.authenticate(req);
        const url = new URL(req.url ?? '/', this.base || 'https://127.0.0.1');
        const path = decodeURIComponent(url.pathname);
        const candidates = this.routes.filter((r) => r.pattern.test(path));
        const route = candidates.find((r) => r.method === req.method);
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
        const params = route.pattern.exec(path)?.slice(1) ?? [];
        respond(200, route.handler({ url, params, baseUrl: this.base }));
      } catch (error) {
        if (error instanceof GraphError) {
          respond(error.status, errorBody(error, requestId, clientRequestId), { ...error.headers });
        } else {
          const message = error instanceof Error ? error.message : String(error);
          respond(500, errorBody(new GraphError(500, 'generalException', message), requestId));
        }
      }
    });
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

  private collection(
    entitySet: string,
    items: readonly unknown[],
    context?: RequestContext,
    pageSize = 100
  ): Record<string, unknown> {
    const query = context ? parseODataQuery(context.url.searchParams) : null;
    const offset = query?.skipToken ? decodeSkipToken(query.skipToken) : 0;
    const size = query?.top ?? pageSize;
    const page = items.slice(offset, offset + size);
    const body: Record<string, unknown> = {
      '@odata.context': `${this.base}/v1.0/$metadata#${entitySet}`,
    };
    if (query?.count) body['@odata.count'] = items.length;
    body.value = page;
    if (context && offset + size < items.length) {
      const next = new URL(context.url.toString());
      next.searchParams.set('$skiptoken', encodeSkipToken(offset + size));
      next.searchParams.delete('$skipToken');
      body['@odata.nextLink'] = `${this.base}${next.pathname}${next.search}`;
    }
    return body;
  }

  private listUsers(context: RequestContext): Record<string, unknown> {
    const query = parseODataQuery(context.url.searchParams);
    const matches = parseUserFilter(query.filter);
    const users = [...this.directory.users.values()]
      .filter((user) => matches(user, this.directory))
      .map((user) =>
        applySelect(
          userView(this.directory, user),
          query.select,
          USER_DEFAULT_PROPERTIES,
          USER_TYPE,
          USER_PROPERTIES
        )
      );
    return this.collection('users', users, context);
  }

  private getUser(context: RequestContext): Record<string, unknown> {
    const user = this.directory.findUser(context.params[0]);
    if (!user) throw notFound(context.params[0]);
    const query = parseODataQuery(context.url.searchParams);
    return {
      '@odata.context': `${this.base}/v1.0/$metadata#users/$entity`,
      ...applySelect(
        userView(this.directory, user),
        query.select,
        USER_DEFAULT_PROPERTIES,
        USER_TYPE,
        USER_PROPERTIES
      ),
    };
  }

  private listGroups(context: RequestContext): Record<string, unknown> {
    const query = parseODataQuery(context.url.searchParams);
    const groups = [...this.directory.groups.values()].map((group) =>
      applySelect(
        groupView(group),
        query.select,
        GROUP_DEFAULT_PROPERTIES,
        GROUP_TYPE,
        GROUP_PROPERTIES
      )
    );
    return this.collection('groups', groups, context);
  }

  private getGroup(context: RequestContext): Record<string, unknown> {
    const group = this.directory.groups.get(context.params[0]);
    if (!group) throw notFound(context.params[0]);
    const query = parseODataQuery(context.url.searchParams);
    return {
      '@odata.context': `${this.base}/v1.0/$metadata#groups/$entity`,
      ...applySelect(
        groupView(group),
        query.select,
        GROUP_DEFAULT_PROPERTIES,
        GROUP_TYPE,
        GROUP_PROPERTIES
      ),
    };
  }

  private listMembers(context: RequestContext): Record<string, unknown> {
    const group = this.directory.groups.get(context.params[0]);
    if (!group) throw notFound(context.params[0]);
    const query = parseODataQuery(context.url.searchParams);
    const members = [...group.members].flatMap((id) => {
      const user = this.directory.users.get(id);
      if (user) {
        return [
          {
            '@odata.type': `#${USER_TYPE}`,
            ...applySelect(
              userView(this.directory, user),
              query.select,
              USER_DEFAULT_PROPERTIES,
              USER_TYPE,
              USER_PROPERTIES
            ),
          },
        ];
      }
      const nested = this.directory.groups.get(id);
      if (nested) {
        return [
          {
            '@odata.type': `#${GROUP_TYPE}`,
            ...applySelect(
              groupView(nested),
              query.select,
              GROUP_DEFAULT_PROPERTIES,
              GROUP_TYPE,
              GROUP_PROPERTIES
            ),
          },
        ];
      }
      return [];
    });
    return this.collection('directoryObjects', members, context);
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
