import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_PEOPLE } from '../../src/simulator/scenarios/demo-tenant';

/** A member of a conversation as the connector lists it (a team's roster for a channel). */
export interface RosterEntry {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
}

/** Everyone in the demo tenant's people, as Teams names them: the team of the migration channel. */
export const DEMO_ROSTER: RosterEntry[] = Object.values(DEMO_PEOPLE).map((p) => ({
  id: `29:${p.id}`,
  name: p.name,
  aadObjectId: p.id,
}));

/** An activity the bot sent to the Bot Connector service, as received on the wire. */
export interface SentActivity {
  readonly method: string;
  readonly path: string;
  readonly conversationId: string;
  readonly authorization: string | undefined;
  /** The status the stand-in answered with. */
  readonly status: number;
  /** The id it gave a new activity (a POST), e.g. `sent-3`. */
  readonly answeredId?: string;
  readonly body: {
    type: string;
    text?: string;
    attachments?: { contentType: string; content: Record<string, unknown> }[];
    replyToId?: string;
    [key: string]: unknown;
  };
}

/** Teams' limit on a bot's message: about 100 KB of the payload counted in UTF-16 (PLATFORM.md §2.6). */
export const MAX_MESSAGE_UTF16_BYTES = 100 * 1024;
/** Teams gives user-specific views (a card's refresh) to at most 60 users. */
export const MAX_REFRESH_USER_IDS = 60;

export interface ConnectorStandInOptions {
  /**
   * Whether a request's Authorization header is one the connector takes. With a bot identity, Teams'
   * connector takes only a bearer token Entra issued to the bot; without one (the Agents Playground's
   * connector, anonymous) every request is taken.
   */
  readonly authorize?: (authorization: string | undefined) => boolean;
}

/** A request the stand-in refused as Teams would, and why. */
export interface RefusedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string;
}

/** How the stand-in refuses a call: a status, or a status with Teams' error code and `Retry-After`. */
export type ConnectorFailure =
  number | { readonly status: number; readonly code?: string; readonly retryAfterSeconds?: number };

/** A 1:1 conversation the bot opened (POST /v3/conversations), and with whom. */
export interface CreatedConversation {
  readonly id: string;
  readonly memberIds: string[];
  readonly tenantId: string | undefined;
}

/**
 * A loopback stand-in for the Bot Connector service (the activity's serviceUrl): records what the bot
 * sends and answers as the connector does, with the new activity's id. As strict as Teams where these
 * tests can tell: a request without the bot's token (when it has an identity) is 401, a message over
 * Teams' size limit 413 `MessageSizeTooBig`, a card refreshed for more than 60 users 400.
 */
export class ConnectorStandIn {
  readonly sent: SentActivity[] = [];
  /** Requests refused before being taken (they are not in `sent`). */
  readonly refused: RefusedRequest[] = [];
  private server: Server | null = null;
  private waiters: (() => void)[] = [];
  private counter = 0;
  /** Who the connector lists as members of any conversation (GET …/pagedmembers). */
  roster: RosterEntry[] = DEMO_ROSTER;
  /** Status codes the next updates of an activity (PUT) are answered with, one each, in order. */
  readonly failUpdates: ConnectorFailure[] = [];
  /**
   * The same for the next new posts: a POST to a conversation without `;messageid=` (a new thread in a
   * channel, as notifications are), not replies in the thread a command was typed in.
   */
  readonly failPosts: ConnectorFailure[] = [];
  /**
   * Conversations where the bot may no longer write, as when it was removed from the team: every post
   * and update there is answered 403 `MessageWritesBlocked`, as Teams does, until the id is removed.
   */
  readonly blockedConversations = new Set<string>();
  /** 1:1 conversations the bot opened. */
  readonly createdConversations: CreatedConversation[] = [];
  /**
   * While set, posts and updates are recorded at once but answered only when it resolves: a connector
   * slow to take messages.
   */
  holdAnswers: Promise<void> | null = null;

  constructor(private readonly options: ConnectorStandInOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://stand-in');
        const refusal = this.refusalOf(req.headers.authorization, Buffer.concat(chunks));
        if (refusal) {
          this.refused.push({ method: req.method ?? '', path: req.url ?? '', ...refusal });
          res.writeHead(refusal.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: refusal.code, message: refusal.message } }));
          return;
        }
        if (
          req.method === 'GET' &&
          /^\/v3\/conversations\/[^/]+\/pagedmembers$/.test(url.pathname)
        ) {
          // Pages as Teams gives them: pageSize at most 500, a continuation token until the last.
          const size = Math.min(Number(url.searchParams.get('pageSize') ?? 200) || 200, 500);
          const from = Number(url.searchParams.get('continuationToken') ?? 0);
          const members = this.roster.slice(from, from + size);
          const next = from + size < this.roster.length ? String(from + size) : undefined;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ members, ...(next ? { continuationToken: next } : {}) }));
          return;
        }
        if (req.method === 'POST' && url.pathname === '/v3/conversations') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            members?: { id: string }[];
            tenantId?: string;
          };
          const created = {
            id: `a:created-${++this.counter}`,
            memberIds: (body.members ?? []).map((m) => m.id),
            tenantId: body.tenantId,
          };
          this.createdConversations.push(created);
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: created.id, activityId: '', serviceUrl: '' }));
          return;
        }
        const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
        const blocked =
          match && this.blockedConversations.has(decodeURIComponent(match[1]).split(';')[0])
            ? { status: 403, code: 'MessageWritesBlocked' }
            : undefined;
        const failure = normalised(
          blocked ??
            (req.method === 'PUT' && match
              ? this.failUpdates.shift()
              : req.method === 'POST' && match && !match[1].includes('%3Bmessageid')
                ? this.failPosts.shift()
                : undefined)
        );
        const id = `sent-${++this.counter}`;
        if (match) {
          const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          this.sent.push({
            method: req.method ?? '',
            path: req.url ?? '',
            conversationId: decodeURIComponent(match[1]),
            authorization: req.headers.authorization,
            status: failure?.status ?? 200,
            ...(req.method === 'POST' && !failure ? { answeredId: id } : {}),
            body,
          });
          this.waiters.splice(0).forEach((wake) => wake());
        }
        if (failure) {
          res.writeHead(failure.status, {
            'content-type': 'application/json',
            ...(failure.retryAfterSeconds !== undefined
              ? { 'retry-after': String(failure.retryAfterSeconds) }
              : {}),
          });
          res.end(
            JSON.stringify({
              error: {
                code: failure.code ?? 'Failed',
                message: `Stand-in answered ${failure.status}.`,
              },
            })
          );
          return;
        }
        const answer = () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id }));
        };
        if (match && this.holdAnswers) void this.holdAnswers.then(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Why Teams would refuse this request before taking it, or null. */
  private refusalOf(
    authorization: string | undefined,
    body: Buffer
  ): { status: number; code: string; message: string } | null {
    if (this.options.authorize && !this.options.authorize(authorization)) {
      return {
        status: 401,
        code: 'Unauthorized',
        message: 'Authorization has been denied for this request.',
      };
    }
    if (body.length === 0) return null;
    const text = body.toString('utf8');
    if (Buffer.byteLength(text, 'utf16le') > MAX_MESSAGE_UTF16_BYTES) {
      return { status: 413, code: 'MessageSizeTooBig', message: 'Message size too big.' };
    }
    let activity: SentActivity['body'];
    try {
      activity = JSON.parse(text) as SentActivity['body'];
    } catch {
      return { status: 400, code: 'BadSyntax', message: 'The body is not JSON.' };
    }
    for (const attachment of activity.attachments ?? []) {
      const refresh = (attachment.content as { refresh?: { userIds?: unknown[] } } | undefined)
        ?.refresh;
      if ((refresh?.userIds?.length ?? 0) > MAX_REFRESH_USER_IDS) {
        return {
          status: 400,
          code: 'BadArgument',
          message: `A card's refresh.userIds may list at most ${MAX_REFRESH_USER_IDS} users.`,
        };
      }
    }
    return null;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Messages (not typing indicators) the bot has sent so far. */
  messages(): SentActivity[] {
    return this.sent.filter((a) => a.body.type === 'message');
  }

  /** Waits until `count` messages have arrived, or fails after `timeoutMs`. */
  async waitForMessages(count: number, timeoutMs = 10_000): Promise<SentActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages().length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `Expected ${count} bot messages, got ${this.messages().length}: ${JSON.stringify(this.messages().map((m) => m.body.text ?? m.body.attachments?.[0]?.contentType))}`
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages();
  }
}

function normalised(
  failure: ConnectorFailure | undefined
): { status: number; code?: string; retryAfterSeconds?: number } | undefined {
  return typeof failure === 'number' ? { status: failure } : failure;
}

/** The Adaptive Card of a message, or undefined. */
export function cardOf(activity: SentActivity): Record<string, unknown> | undefined {
  return activity.body.attachments?.find(
    (a) => a.contentType === 'application/vnd.microsoft.card.adaptive'
  )?.content;
}

/** Every text in a card, in order (titles and fact values too): what a reader of the card sees. */
export function cardTexts(card: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const element = node as Record<string, unknown>;
      if (typeof element.text === 'string') texts.push(element.text);
      if (typeof element.title === 'string') texts.push(element.title);
      // A fact's value (`value` is only ever text on a card element, never on an input here).
      if (typeof element.value === 'string') texts.push(element.value);
      Object.values(element).forEach(walk);
    }
  };
  walk(card);
  return texts;
}
