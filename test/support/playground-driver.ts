import { WebSocket } from 'undici';

/**
 * A typed client over the Microsoft 365 Agents Playground's own HTTP + WebSocket API (the one its web UI
 * uses; @microsoft/m365agentsplayground 0.2.28), for end-to-end tests:
 *
 * - `GET  /_internal/v1/testConfig`: the mock tenant (ids of users, personal chat, team, channels).
 *   (`/_internal/v1/config` returns the same but first waits up to 15 s for the bot endpoint to answer.)
 * - `POST /_conversation/v1/conversations/:id/messages`: a message typed by the current user. The
 *   activity's `from` is always the config's currentUser (body `from.id` must only be a member).
 *   Channel posts reach the bot only when `mentions` names it.
 * - `POST /_conversation/v1/invoke`: an `adaptiveCard/action` as any member (`from.id` is honoured);
 *   answers with the bot's invoke response `{ type, value }`.
 * - `POST /_debug/conversation/:id/installation`: installationUpdate + conversationUpdate, as the UI
 *   sends when it opens a conversation (nothing is sent to the bot at startup).
 * - `ws /_ws/log/stream`: the UI's log panel. Every request the bot makes to `/_connector` arrives as
 *   `{ logAction: 'appendLog', log: { from: 'User Application', request: { body: <activity> },
 *   response: { statusCode, body: { id } } } }`; activities the Playground delivers to the bot come the
 *   same way with `from: 'Microsoft 365 Agents Playground'` and the bot's HTTP answer.
 * - `ws /_ws_conversation/v1/conversations/stream`: what the chat UI renders,
 *   `{ action: 'createMessage' | 'updateMessage', actionConversationId, message }`.
 *
 * Both sockets broadcast to every client; while none is connected the server buffers items and replays
 * them to the next client that connects. There is no HTTP endpoint that lists a conversation's messages.
 */

const PLAYGROUND_LABEL = 'Microsoft 365 Agents Playground';
const BOT_LABEL = 'User Application';

export interface PlaygroundUser {
  id: string;
  name: string;
  aadObjectId?: string;
  userPrincipleName?: string;
  email?: string;
}

export interface PlaygroundChannel {
  id: string;
  name: string;
}

/** The mock tenant as the Playground reports it (its defaults filled in). */
export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string; name?: string };
  teams: { id: string; name: string; aadGroupId?: string; channels: PlaygroundChannel[] }[];
}

export interface Attachment {
  contentType: string;
  content?: unknown;
}

/** A Bot Framework activity as JSON; only the fields tests usually look at are typed. */
export interface Activity {
  type?: string;
  id?: string;
  text?: string;
  attachments?: Attachment[];
  conversation?: { id: string; conversationType?: string; tenantId?: string };
  from?: { id: string; name?: string; aadObjectId?: string };
  recipient?: { id: string; name?: string };
  replyToId?: string;
  [key: string]: unknown;
}

/** One request the bot made to the Playground's `/_connector` (send, reply or update). */
export interface BotActivityRecord {
  /** The request body exactly as the bot sent it. */
  activity: Activity;
  /** The Playground's id for the message (use as `replyToId` of an invoke on this card). */
  messageId?: string;
  /** The conversation the bot addressed. */
  conversationId?: string;
  /** The Playground's answer: 201 created, 200 updated, 4xx if it rejected the activity. */
  statusCode: number;
  timestamp: number;
}

/** One activity the Playground delivered to the bot, with the bot's HTTP answer. */
export interface DeliveryRecord {
  activity: Activity;
  statusCode: number;
  responseBody: unknown;
}

/** A message as the chat UI renders it (bot replies, proactive posts, and card updates). */
export interface RenderedMessage {
  action: 'createMessage' | 'updateMessage';
  /** Conversation the message shows in (for a new channel post: the channel). */
  conversationId: string;
  /** Set for a new channel post: the thread (`<channel>;messageid=<id>`) that replies and invokes use. */
  postConversationId?: string;
  messageId: string;
  from: { id: string };
  text?: string;
  attachments: Attachment[];
}

export interface SendMessageOptions {
  /** Personal chat with the bot, or a team channel (the bot is @mentioned, as Teams requires). */
  conversation: 'personal' | 'channel';
  /** Channel name or id; default the team's first channel (General). */
  channel?: string;
  /** Channel posts only: mention the bot (default true); without it the bot never sees the post. */
  mentionBot?: boolean;
}

export interface SentMessage {
  /** The Playground's id for the user's message (the activity the bot gets has a different `id`). */
  messageId: string;
  /** The conversation id the bot sees: the personal chat, or the new thread for a channel post. */
  conversationId: string;
}

export interface InvokeOptions {
  /** User id or display name from the config; default the current user. Must be a member. */
  user?: string;
  verb: string;
  data?: Record<string, unknown>;
  /** The card's message: a record from {@link PlaygroundDriver.waitForBotActivity}, or explicit ids. */
  card: BotActivityRecord | { messageId: string; conversationId: string };
}

export interface InvokeResponse {
  type?: string;
  value?: unknown;
}

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
}

/** Items in arrival order; each `wait` hands out a matching item at most once. */
class Inbox<T> {
  private readonly items: T[] = [];
  private readonly taken = new Set<T>();
  private waiters: Waiter<T>[] = [];

  get all(): readonly T[] {
    return this.items;
  }

  push(item: T): void {
    this.items.push(item);
    const waiter = this.waiters.find((w) => w.predicate(item));
    if (!waiter) return;
    this.waiters = this.waiters.filter((w) => w !== waiter);
    this.taken.add(item);
    waiter.resolve(item);
  }

  wait(predicate: (item: T) => boolean, timeoutMs: number, describe: () => string): Promise<T> {
    const ready = this.items.find((item) => !this.taken.has(item) && predicate(item));
    if (ready) {
      this.taken.add(ready);
      return Promise.resolve(ready);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve: (item) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(describe()));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asAttachments(value: unknown): Attachment[] {
  return Array.isArray(value) ? value.filter(isRecord).map((a) => a as unknown as Attachment) : [];
}

function summarize(activity: Activity): string {
  // A card by its title (its first text), so a timeout shows how far the conversation got.
  const cards = activity.attachments
    ?.map((a) => {
      const title = (a.content as { body?: { text?: unknown }[] } | undefined)?.body?.[0]?.text;
      return typeof title === 'string' ? `${a.contentType}: ${title}` : a.contentType;
    })
    .join(', ');
  return `${activity.type ?? '?'} "${activity.text ?? ''}"${cards ? ` [${cards}]` : ''}`;
}

function openSocket(url: string, onMessage: (data: unknown) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.addEventListener('open', () => resolve(socket), { once: true });
    socket.addEventListener('error', () => reject(new Error(`WebSocket ${url} failed`)), {
      once: true,
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      try {
        onMessage(JSON.parse(event.data));
      } catch {
        // Not JSON: nothing a test can use.
      }
    });
  });
}

/** Drives a running Playground; create with {@link PlaygroundDriver.connect}, end with `close()`. */
export class PlaygroundDriver {
  private readonly botActivities = new Inbox<BotActivityRecord>();
  private readonly deliveries = new Inbox<DeliveryRecord>();
  private readonly rendered = new Inbox<RenderedMessage>();
  /** The Playground's text log lines (connection notes, warnings such as unsupported card features). */
  readonly logLines: string[] = [];
  private sockets: WebSocket[] = [];

  private constructor(
    readonly baseUrl: string,
    readonly config: PlaygroundConfig
  ) {}

  /**
   * Loads the mock tenant and subscribes to both event streams before returning, so nothing the bot
   * sends afterwards is missed (items buffered before a client connected are replayed too).
   */
  static async connect(baseUrl: string): Promise<PlaygroundDriver> {
    const url = baseUrl.replace(/\/$/, '');
    const body = await PlaygroundDriver.request(url, 'GET', '/_internal/v1/testConfig');
    if (!isRecord(body) || !isRecord(body.config)) {
      throw new Error(`Unexpected /_internal/v1/testConfig answer: ${JSON.stringify(body)}`);
    }
    const driver = new PlaygroundDriver(url, body.config as unknown as PlaygroundConfig);
    const wsUrl = url.replace(/^http/, 'ws');
    driver.sockets = await Promise.all([
      openSocket(`${wsUrl}/_ws/log/stream`, (data) => driver.onLog(data)),
      openSocket(`${wsUrl}/_ws_conversation/v1/conversations/stream`, (data) =>
        driver.onConversation(data)
      ),
    ]);
    return driver;
  }

  /** Everything the bot has sent so far, in order. */
  get botActivityLog(): readonly BotActivityRecord[] {
    return this.botActivities.all;
  }

  /** Sends `text` as the current user; in a channel the bot is @mentioned unless told otherwise. */
  async sendMessage(text: string, options: SendMessageOptions): Promise<SentMessage> {
    const { bot, currentUser } = this.config;
    let conversationId: string;
    let payload: Record<string, unknown>;
    if (options.conversation === 'personal') {
      conversationId = this.config.personalChat.id;
      payload = { text, textFormat: 'plain' };
    } else {
      conversationId = this.channel(options.channel).id;
      const mention = `<at>${bot.name}</at>`;
      payload =
        options.mentionBot === false
          ? { text, textFormat: 'plain' }
          : {
              text: `${mention} ${text}`,
              textFormat: 'plain',
              mentions: [{ mentioned: { id: bot.id }, text: mention }],
            };
    }
    const answer = await this.post(
      `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      { from: { id: currentUser.id }, ...payload }
    );
    if (!isRecord(answer) || typeof answer.messageId !== 'string') {
      throw new Error(`Unexpected answer to a message: ${JSON.stringify(answer)}`);
    }
    return {
      messageId: answer.messageId,
      conversationId: optionalString(answer.postConversationId) ?? conversationId,
    };
  }

  /** Clicks an Action.Execute button as `user`; returns the bot's invoke response. */
  async sendInvoke(options: InvokeOptions): Promise<InvokeResponse> {
    const user = this.user(options.user);
    const { messageId } = options.card;
    if (!messageId) throw new Error('The card record has no Playground message id.');
    // A new top-level channel post lives in its own thread conversation, not in the channel itself.
    const thread = this.rendered.all.find(
      (m) => m.messageId === messageId && m.postConversationId
    )?.postConversationId;
    const conversationId = thread ?? options.card.conversationId;
    if (!conversationId) throw new Error('The card record has no conversation id.');
    const answer = await this.post('/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb: options.verb, data: options.data ?? {} },
        trigger: 'manual',
      },
      from: { id: user.id },
      conversation: { id: conversationId },
      replyToId: messageId,
    });
    return isRecord(answer) ? { type: optionalString(answer.type), value: answer.value } : {};
  }

  /** Sends installationUpdate (add) + conversationUpdate (bot added), as the UI does on opening a chat. */
  async sendInstallation(conversation: 'personal' | 'channel', channel?: string): Promise<void> {
    const id = conversation === 'personal' ? this.config.personalChat.id : this.channel(channel).id;
    await this.post(`/_debug/conversation/${encodeURIComponent(id)}/installation`, {});
  }

  /**
   * Resolves with the first activity the bot sent to the Playground (since `connect`) that matches and
   * was not returned by an earlier call; rejects after `timeoutMs` listing what did arrive.
   */
  waitForBotActivity(
    predicate: (activity: Activity, record: BotActivityRecord) => boolean,
    timeoutMs = 10_000
  ): Promise<BotActivityRecord> {
    return this.botActivities.wait(
      (record) => predicate(record.activity, record),
      timeoutMs,
      () => this.describeTimeout('No bot activity matched', timeoutMs)
    );
  }

  /** Like {@link waitForBotActivity}, for activities the Playground delivered to the bot. */
  waitForDelivery(
    predicate: (activity: Activity, record: DeliveryRecord) => boolean,
    timeoutMs = 10_000
  ): Promise<DeliveryRecord> {
    return this.deliveries.wait(
      (record) => predicate(record.activity, record),
      timeoutMs,
      () => this.describeTimeout('No delivery to the bot matched', timeoutMs)
    );
  }

  /** Like {@link waitForBotActivity}, for messages as the chat UI renders them. */
  waitForRenderedMessage(
    predicate: (message: RenderedMessage) => boolean,
    timeoutMs = 10_000
  ): Promise<RenderedMessage> {
    return this.rendered.wait(predicate, timeoutMs, () =>
      this.describeTimeout('No rendered message matched', timeoutMs)
    );
  }

  /** Closes both WebSockets. */
  async close(): Promise<void> {
    await Promise.all(
      this.sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) return resolve();
            socket.addEventListener('close', () => resolve(), { once: true });
            socket.close();
          })
      )
    );
    this.sockets = [];
  }

  private channel(nameOrId?: string): PlaygroundChannel {
    const channels = this.config.teams.flatMap((team) => team.channels);
    const channel = nameOrId
      ? channels.find((c) => c.id === nameOrId || c.name === nameOrId)
      : channels[0];
    if (!channel)
      throw new Error(`No channel "${nameOrId ?? '(first)'}" in the Playground config.`);
    return channel;
  }

  private user(idOrName?: string): PlaygroundUser {
    const { currentUser, users } = this.config;
    if (!idOrName) return currentUser;
    const user = [currentUser, ...users].find((u) => u.id === idOrName || u.name === idOrName);
    if (!user) throw new Error(`No user "${idOrName}" in the Playground config.`);
    return user;
  }

  private onLog(data: unknown): void {
    if (!isRecord(data) || !isRecord(data.log)) return;
    const log = data.log;
    if (log.type === 'text') {
      if (typeof log.displayText === 'string') this.logLines.push(log.displayText);
      return;
    }
    const request = isRecord(log.request) ? log.request : {};
    const response = isRecord(log.response) ? log.response : {};
    // Roster/team GETs have no body; only activities are interesting here.
    if (!isRecord(request.body)) return;
    const activity = request.body as Activity;
    const statusCode = typeof response.statusCode === 'number' ? response.statusCode : 0;
    if (log.from === BOT_LABEL) {
      this.botActivities.push({
        activity,
        messageId: isRecord(response.body) ? optionalString(response.body.id) : undefined,
        conversationId: optionalString(log.conversationId) ?? activity.conversation?.id,
        statusCode,
        timestamp: typeof log.timestamp === 'number' ? log.timestamp : Date.now(),
      });
    } else if (log.from === PLAYGROUND_LABEL) {
      this.deliveries.push({ activity, statusCode, responseBody: response.body });
    }
  }

  private onConversation(data: unknown): void {
    if (!isRecord(data) || !isRecord(data.message)) return;
    if (data.action !== 'createMessage' && data.action !== 'updateMessage') return;
    const message = data.message;
    this.rendered.push({
      action: data.action,
      conversationId: optionalString(data.actionConversationId) ?? '',
      postConversationId: optionalString(message.postConversationId),
      messageId: optionalString(message.messageId) ?? '',
      from: { id: isRecord(message.from) ? (optionalString(message.from.id) ?? '') : '' },
      text: optionalString(message.text),
      attachments: asAttachments(message.attachments),
    });
  }

  private describeTimeout(what: string, timeoutMs: number): string {
    const sent = this.botActivities.all.map((r) => `  ${summarize(r.activity)} (${r.statusCode})`);
    const delivered = this.deliveries.all.map(
      (r) => `  ${summarize(r.activity)} -> HTTP ${r.statusCode}`
    );
    return [
      `${what} within ${timeoutMs} ms.`,
      `Bot sent:${sent.length ? '\n' + sent.join('\n') : ' nothing'}`,
      `Delivered to the bot:${delivered.length ? '\n' + delivered.join('\n') : ' nothing'}`,
      `Playground log: ${this.logLines.slice(-5).join(' | ') || '(empty)'}`,
    ].join('\n');
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return PlaygroundDriver.request(this.baseUrl, 'POST', path, body);
  }

  private static async request(
    baseUrl: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown
  ): Promise<unknown> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      // The Playground answers validation errors with { code, message }, e.g. UserNotFound.
      throw new Error(`Playground ${method} ${path} failed: HTTP ${response.status} ${text}`);
    }
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
}
