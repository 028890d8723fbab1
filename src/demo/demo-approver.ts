import { WebSocket } from 'undici';

/**
 * The demo's second person. The Playground's UI speaks as one user (the admin), so approvers click from
 * the terminal: `approve as Lee`, `reject as Nestor: reason`. Each goes through the Playground's invoke
 * API as that user, exactly the path a click in Teams takes: the bot refreshes the card for them (an
 * approver sees the buttons), then they click, and the bot checks them against the directory.
 * It follows the Playground's event streams to know which sign-off cards are posted where.
 */

interface PlaygroundUser {
  id: string;
  name: string;
}

interface PostedCard {
  approvalId: string;
  messageId: string;
  conversationId: string;
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** Cards looked at, newest first, for one this person can act on. */
const RECENT_CARDS = 5;

export const DEMO_APPROVER_USAGE =
  'Type `approve as Lee` or `reject as Nestor: <reason>` here to click the latest sign-off card as that person; `approve as Lee in Sat 02:00-06:00 Europe/Paris` releases a wave in a window, and `change group` has a colleague change a licensing group.';

export class DemoApprover {
  private readonly cards: PostedCard[] = [];
  /** Playground message id → the thread a new channel post lives in. */
  private readonly threads = new Map<string, string>();
  private sockets: WebSocket[] = [];
  private users: PlaygroundUser[] = [];

  constructor(private readonly playgroundUrl: string) {}

  async start(): Promise<void> {
    const config = (await (
      await fetch(`${this.playgroundUrl}/_internal/v1/testConfig`)
    ).json()) as {
      config: { currentUser: PlaygroundUser; users: PlaygroundUser[] };
    };
    this.users = [config.config.currentUser, ...config.config.users];
    const ws = this.playgroundUrl.replace(/^http/, 'ws');
    this.sockets = await Promise.all([
      listen(`${ws}/_ws/log/stream`, (data) => this.onLog(data)),
      listen(`${ws}/_ws_conversation/v1/conversations/stream`, (data) => this.onMessage(data)),
    ]);
  }

  stop(): void {
    this.sockets.forEach((socket) => socket.close());
  }

  /** One line typed in the terminal; returns what to print. */
  async handle(line: string): Promise<string> {
    // A window holds colons (02:00); the reason follows a colon and a space.
    const match =
      /^\s*(approve|reject)\s+as\s+(\S+?)(?:\s+in\s+(.+?))?\s*(?::(?:\s+(.*))?)?$/i.exec(line);
    if (!match) return DEMO_APPROVER_USAGE;
    const [, verb, who, window, reason] = match;
    const user = this.users.find((u) =>
      u.name.toLowerCase().split(' ').includes(who.toLowerCase())
    );
    if (!user)
      return `Nobody called ${who} in the Playground: ${this.users.map((u) => u.name).join(', ')}.`;
    if (this.cards.length === 0)
      return 'No sign-off card has been posted yet: ask for one in the Playground (`assign`, `waves`).';
    // The newest card this person can act on: a restore card may have come after a wave's.
    let found: { card: PostedCard; button: { data: Json } } | null = null;
    let latestView: Json = {};
    for (const card of [...this.cards].reverse().slice(0, RECENT_CARDS)) {
      const view = await this.invoke(user, card, 'refreshApproval', {
        approvalId: card.approvalId,
      });
      if (card === this.cards[this.cards.length - 1]) latestView = view;
      const actions = (
        isJson(view.value) && Array.isArray(view.value.actions) ? view.value.actions : []
      ) as { verb?: string; data?: Json }[];
      const button = actions.find((a) => a.verb === verb.toLowerCase());
      if (button?.data) {
        found = { card, button: { data: button.data } };
        break;
      }
    }
    if (!found)
      return `${user.name} sees no ${verb} button on the latest card: ${statusOf(latestView.value)}`;
    const { card, button } = found;
    const answer = await this.invoke(user, card, verb.toLowerCase(), {
      ...button.data,
      reason: reason ?? '',
      ...(window ? { window } : {}),
    });
    return typeof answer.value === 'string' ? answer.value : statusOf(answer.value);
  }

  private async invoke(
    user: PlaygroundUser,
    card: PostedCard,
    verb: string,
    data: Json
  ): Promise<Json> {
    const response = await fetch(`${this.playgroundUrl}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
        from: { id: user.id },
        conversation: { id: this.threads.get(card.messageId) ?? card.conversationId },
        replyToId: card.messageId,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as unknown;
    return isJson(body) ? body : {};
  }

  private onLog(data: unknown): void {
    if (!isJson(data) || !isJson(data.log) || data.log.from !== 'User Application') return;
    const request = isJson(data.log.request) ? data.log.request : {};
    const response = isJson(data.log.response) ? data.log.response : {};
    const activity = isJson(request.body) ? request.body : null;
    const messageId = isJson(response.body) ? response.body.id : undefined;
    const card = (activity?.attachments as { content?: Json }[] | undefined)?.[0]?.content;
    const refresh =
      isJson(card?.refresh) && isJson(card.refresh.action) ? card.refresh.action : null;
    const approvalId = isJson(refresh?.data) ? refresh.data.approvalId : undefined;
    const conversation = isJson(activity?.conversation) ? activity.conversation.id : undefined;
    // Posts only: a PUT (an update in place) has the same card and must not count as a new one.
    if (
      refresh?.verb !== 'refreshApproval' ||
      typeof approvalId !== 'string' ||
      typeof messageId !== 'string'
    )
      return;
    if (this.cards.some((c) => c.approvalId === approvalId)) return;
    this.cards.push({
      approvalId,
      messageId,
      conversationId:
        typeof conversation === 'string' ? conversation : String(data.log.conversationId ?? ''),
    });
  }

  private onMessage(data: unknown): void {
    if (!isJson(data) || !isJson(data.message)) return;
    const { messageId, postConversationId } = data.message;
    if (typeof messageId === 'string' && typeof postConversationId === 'string')
      this.threads.set(messageId, postConversationId);
  }
}

function statusOf(card: unknown): string {
  const body = isJson(card) && Array.isArray(card.body) ? (card.body as Json[]) : [];
  const texts = body.flatMap((element) => (typeof element.text === 'string' ? [element.text] : []));
  const notice = body.find(
    (e) => e.color === 'Attention' && typeof e.text === 'string' && e !== body[1]
  );
  // What the approver typed sits in a block of its own: its label, then the reason.
  const typed = body.find((e) => e.type === 'Container' && Array.isArray(e.items));
  const reason = ((typed?.items ?? []) as Json[])
    .map((e) => e.text)
    .filter(Boolean)
    .join(' ');
  return [texts[0], texts[1], reason, notice?.text].filter(Boolean).join(' — ');
}

function listen(url: string, onData: (data: unknown) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.addEventListener('open', () => resolve(socket), { once: true });
    socket.addEventListener('error', () => reject(new Error(`Could not follow ${url}`)), {
      once: true,
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      try {
        onData(JSON.parse(event.data));
      } catch {
        // Not JSON: nothing to follow.
      }
    });
  });
}
