import { DEMO_PEOPLE } from '../../src/simulator/scenarios/demo-tenant';
import type { BotUnderTest } from './bot-harness';
import { cardOf, type ConnectorStandIn, type SentActivity } from './connector-stand-in';
import {
  cardAction,
  channelMention,
  from,
  personalMessage,
  type DemoPerson,
} from './teams-activities';

/** Drives the bot as people in Teams would: messages in the channel, clicks on cards. */
export class TeamsDriver {
  constructor(
    private readonly bot: Pick<BotUnderTest, 'post' | 'connector' | 'serviceUrl'> &
      Partial<Pick<BotUnderTest, 'idle'>>
  ) {}

  /** Posts a message (in the migration channel, with an @mention) and returns the bot's replies to it. */
  async say(person: DemoPerson, text: string, where: 'channel' | 'personal' = 'channel') {
    const activity = await this.post(person, text, where);
    // Replies of a command that ends within the turn window go out before the HTTP answer (a longer one's
    // "working on it" may come after it); notifications carry no replyToId.
    return this.repliesTo(activity);
  }

  /**
   * Posts a message and returns the command's answer however long it takes: the work is waited for past
   * the turn window, whose "Working on …" message is left out.
   */
  async ask(person: DemoPerson, text: string, where: 'channel' | 'personal' = 'channel') {
    const activity = await this.post(person, text, where);
    await this.bot.idle?.();
    return this.repliesTo(activity).filter((a) => !/^Working on `/.test(a.body.text ?? ''));
  }

  private async post(person: DemoPerson, text: string, where: 'channel' | 'personal') {
    const options = { serviceUrl: this.bot.serviceUrl, from: from(person) };
    const activity =
      where === 'channel' ? channelMention(text, options) : personalMessage(text, options);
    const response = await this.bot.post(activity);
    if (response.status >= 300) throw new Error(`/api/messages answered ${response.status}`);
    return activity;
  }

  private repliesTo(activity: Record<string, unknown>): SentActivity[] {
    return this.bot.connector.sent.filter(
      (a) => a.method === 'POST' && a.body.type === 'message' && a.body.replyToId === activity.id
    );
  }

  /**
   * The migration up to its removal waves: notifications in the channel, the group assignment signed
   * off by Lee and done, and the waves proposed (wave 1's card waiting).
   */
  async untilWavesProposed(sizes: string): Promise<void> {
    await this.say('admin', 'notify here');
    await this.say('admin', 'assign');
    await this.bot.idle?.();
    await this.click('approver1', 'approve', await this.buttonData(this.latestApproval()));
    await this.bot.idle?.();
    await this.say('admin', `waves ${sizes}`);
    await this.bot.idle?.();
  }

  /** Texts of the replies to a message. */
  async replies(person: DemoPerson, text: string, where: 'channel' | 'personal' = 'channel') {
    return (await this.say(person, text, where)).map((r) => r.body.text ?? '');
  }

  /** The sign-off cards posted so far (not updates), newest last. */
  approvalCards(): { approvalId: string; activity: SentActivity; card: Record<string, unknown> }[] {
    return this.bot.connector.sent.flatMap((activity) => {
      const card = cardOf(activity) as
        { refresh?: { action?: { verb?: string; data?: { approvalId?: string } } } } | undefined;
      const approvalId = card?.refresh?.action?.data?.approvalId;
      return activity.method === 'POST' &&
        card?.refresh?.action?.verb === 'refreshApproval' &&
        approvalId
        ? [{ approvalId, activity, card: card as Record<string, unknown> }]
        : [];
    });
  }

  latestApproval(): string {
    const cards = this.approvalCards();
    if (cards.length === 0) throw new Error('No sign-off card was posted.');
    return cards[cards.length - 1].approvalId;
  }

  /**
   * The next sign-off card posted after `before` cards: the notifier posts it to the channel in the
   * background, after the command's turn.
   */
  async nextApproval(before: number, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.approvalCards().length <= before) {
      if (Date.now() > deadline) throw new Error('No new sign-off card was posted.');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.approvalCards()[before].approvalId;
  }

  /** What this person's Teams client shows after refreshing the card (their own view). */
  async viewAs(person: DemoPerson, approvalId: string): Promise<InvokeAnswer> {
    return this.invoke(person, 'refreshApproval', { approvalId }, 'automatic');
  }

  /** Opens the card as an approver and clicks a button with what that view carries. */
  async click(
    person: DemoPerson,
    verb: 'approve' | 'reject',
    data: { approvalId: string; digest: string; reason?: string; window?: string }
  ): Promise<InvokeAnswer> {
    return this.invoke(person, verb, data);
  }

  /** The data an approver's Approve button carries, from an approver's view of the card. */
  async buttonData(approvalId: string, approver: DemoPerson = 'approver1') {
    const view = await this.viewAs(approver, approvalId);
    const actions =
      (view.value as { actions?: { verb: string; data: { approvalId: string; digest: string } }[] })
        .actions ?? [];
    const approve = actions.find((a) => a.verb === 'approve');
    if (!approve)
      throw new Error(
        `${DEMO_PEOPLE[approver].name} sees no Approve button: ${JSON.stringify(view)}`
      );
    return approve.data;
  }

  async invoke(
    person: DemoPerson,
    verb: string,
    data: Record<string, unknown>,
    trigger: 'manual' | 'automatic' = 'manual',
    tenantId?: string,
    /** The clicked card's activity id, as Teams sends it. */
    replyToId?: string
  ): Promise<InvokeAnswer> {
    const response = await this.bot.post(
      cardAction(verb, data, {
        serviceUrl: this.bot.serviceUrl,
        from: from(person),
        channel: true,
        trigger,
        ...(tenantId ? { tenantId } : {}),
        ...(replyToId ? { replyToId } : {}),
      })
    );
    const text = await response.text();
    return {
      status: response.status,
      ...(text ? (JSON.parse(text) as object) : {}),
    } as InvokeAnswer;
  }
}

export interface InvokeAnswer {
  readonly status: number;
  readonly statusCode?: number;
  readonly type?: string;
  readonly value?: unknown;
}

/** A driver for a bot instance reached at its URL (a process of its own, or one of several). */
export function teamsDriverAt(botUrl: string, connector: ConnectorStandIn, serviceUrl: string) {
  return new TeamsDriver({
    post: (activity) =>
      fetch(`${botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      }),
    connector,
    serviceUrl,
  });
}
