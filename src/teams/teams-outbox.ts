import type { TeamsAdapter } from '@microsoft/teams-ai';
import {
  MessageFactory,
  TurnContext,
  type Attachment,
  type ConversationReference,
} from 'botbuilder';
import type { ApprovalRequest } from '../domain/approvals';
import { deliveryFailure, type TeamsRefusal } from '../domain/teams-delivery';
import type { ApprovalConditions } from '../engine/notifier';
import { errorText } from '../error-text';
import type { OutboxStore } from '../storage/outbox-store';
import type { CardLocation, NotificationChannel } from './notification-channel';
import { ThreadPacer } from './thread-pacer';

/** A card as stored until it goes out: a sign-off card is made in the conversation it goes to. */
export type CardSpec =
  | { readonly attachment: Attachment }
  | {
      readonly approval: {
        readonly request: ApprovalRequest;
        readonly conditions?: ApprovalConditions;
      };
    };

/** One thing the channel must see. Plain data: it waits in storage until Teams has it. */
export type Delivery =
  /** A new post in the notification channel (the one set when it goes out). */
  | { readonly do: 'post'; readonly card: CardSpec }
  | { readonly do: 'post-text'; readonly text: string; readonly textFormat: 'markdown' | 'plain' }
  /** A card kept current: every posted copy updated, and posted in the channel if no copy is there. */
  | { readonly do: 'ensure'; readonly key: string; readonly card: CardSpec }
  /** Every posted copy of a card updated, or the one `at`. */
  | {
      readonly do: 'update';
      readonly key: string;
      readonly card: CardSpec;
      readonly at?: CardLocation;
    };

export interface TeamsOutboxOptions {
  readonly adapter: TeamsAdapter;
  readonly botAppId: string;
  readonly channel: NotificationChannel;
  readonly store: OutboxStore<Delivery>;
  readonly render: (card: CardSpec, context: TurnContext) => Promise<Attachment>;
  /** Whether this instance delivers (it holds the runner lease): two instances never post one item. */
  readonly delivers: () => boolean;
  readonly log: (line: string) => void;
  readonly now: () => Date;
  readonly spacingMs?: number;
  readonly retryBaseMs?: number;
  /** How often the outbox is looked at for items other instances added. */
  readonly pollMs?: number;
}

/** A call to Teams that failed, with what Teams answered. */
class TeamsCallFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(errorText(cause));
  }
}

/**
 * Delivers what the channel must see, oldest first, from the durable outbox: one item at a time, paced
 * for the thread; an item Teams refuses for now is tried again with backoff and holds the ones after it
 * (so each thread sees them in order); a 403 holds them all until `notify here` and tells the admin who
 * chose the channel. An item leaves the outbox only once Teams has it (or refused it for good).
 */
export class TeamsOutbox {
  private readonly pacer: ThreadPacer;
  private readonly attempts = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private wakeSleeper: (() => void) | null = null;

  constructor(private readonly options: TeamsOutboxOptions) {
    this.pacer = new ThreadPacer(options.spacingMs, options.log);
  }

  /** Delivers what a previous run left, and looks again now and then for what other instances add. */
  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 5_000);
    this.timer.unref();
    this.kick();
  }

  async add(delivery: Delivery, key: string | null = null): Promise<void> {
    await this.options.store.add(delivery, key);
    this.kick();
  }

  /** A new channel was chosen: what was held goes out there. */
  async release(): Promise<void> {
    await this.options.store.unblock();
    this.kick();
  }

  /** Resolves when this instance has nothing more it can deliver now (tests, shutdown). */
  idle(): Promise<void> {
    return this.pacer.idle();
  }

  /**
   * Delivers what Teams takes now and stops at the first item it refuses; what is left stays in the
   * outbox for the next run.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.wakeSleeper?.();
    await this.pacer.idle();
  }

  private kick(): void {
    this.pacer.enqueue(() => this.deliverNext(), 'outbox');
  }

  private async deliverNext(): Promise<void> {
    if (!this.options.delivers()) return;
    const { items, blockedSince } = await this.options.store.read();
    const item = items[0];
    if (blockedSince !== null || !item) return;
    try {
      await this.deliver(item.delivery);
    } catch (error) {
      const attempt = (this.attempts.get(item.id) ?? 0) + 1;
      const cause = error instanceof TeamsCallFailed ? error.cause : error;
      const failure = deliveryFailure(
        refusalOf(cause),
        attempt,
        this.options.retryBaseMs ?? 1_000,
        Math.random()
      );
      if (failure.kind === 'retry') {
        if (this.stopping) return;
        this.attempts.set(item.id, attempt);
        this.options.log(
          `Teams did not take a notification (attempt ${attempt}: ${errorText(cause)}); trying again in ${Math.round(failure.afterMs / 1000)} s.`
        );
        await this.sleep(failure.afterMs);
        if (!this.stopping) this.kick();
        return;
      }
      if (failure.kind === 'blocked') {
        if (await this.options.store.block(this.options.now())) await this.tellAdmin(items.length);
        return;
      }
      this.options.log(
        `Teams refused a notification for good, so it is dropped: ${errorText(cause)}`
      );
    }
    this.attempts.delete(item.id);
    await this.options.store.remove(item.id);
    this.kick();
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const channel = await this.options.channel.reference();
    switch (delivery.do) {
      case 'post':
        if (channel) await this.post(channel, delivery.card);
        return;
      case 'post-text':
        if (channel)
          await this.inTurn(channel, (context) =>
            context.sendActivity({
              type: 'message',
              text: delivery.text,
              textFormat: delivery.textFormat,
            })
          );
        return;
      case 'update': {
        const at = delivery.at ? [delivery.at] : await this.options.channel.locations(delivery.key);
        for (const location of at) await this.update(delivery.key, location, delivery.card);
        return;
      }
      case 'ensure': {
        const known = await this.options.channel.locations(delivery.key);
        for (const location of known) await this.update(delivery.key, location, delivery.card);
        const inChannel = known.some(
          (l) => l.reference.conversation?.id === channel?.conversation?.id
        );
        if (channel && !inChannel) {
          const activityId = await this.post(channel, delivery.card);
          if (activityId)
            await this.options.channel.rememberCard(delivery.key, {
              reference: channel,
              activityId,
            });
        }
        return;
      }
    }
  }

  private async post(
    reference: Partial<ConversationReference>,
    card: CardSpec
  ): Promise<string | undefined> {
    const sent = await this.inTurn(reference, async (context) =>
      context.sendActivity(MessageFactory.attachment(await this.options.render(card, context)))
    );
    return sent?.id;
  }

  /** Updates one copy; one Teams no longer has is posted afresh where it was. */
  private async update(key: string, location: CardLocation, card: CardSpec): Promise<void> {
    try {
      await this.inTurn(location.reference, async (context) => {
        const activity = MessageFactory.attachment(await this.options.render(card, context));
        activity.id = location.activityId;
        return context.updateActivity(activity);
      });
    } catch (error) {
      const refusal = refusalOf(error instanceof TeamsCallFailed ? error.cause : error);
      if (deliveryFailure(refusal, 1, 0, 0).kind !== 'post-afresh') throw error;
      const activityId = await this.post(location.reference, card);
      if (activityId)
        await this.options.channel.rememberCard(
          key,
          { reference: location.reference, activityId },
          location
        );
    }
  }

  /**
   * One proactive turn. Its failure is caught inside: the adapter hands an error thrown in the turn to
   * its turn-error handler instead of throwing it.
   */
  private async inTurn<T>(
    reference: Partial<ConversationReference>,
    call: (context: TurnContext) => Promise<T>
  ): Promise<T | undefined> {
    let result: T | undefined;
    let failure: unknown = null;
    try {
      await this.options.adapter.continueConversationAsync(
        this.options.botAppId,
        reference,
        async (context) => {
          try {
            result = await call(context);
          } catch (error) {
            failure = error ?? new Error('unknown failure');
          }
        }
      );
    } catch (error) {
      failure = error;
    }
    if (failure !== null) throw new TeamsCallFailed(failure);
    return result;
  }

  /** In the admin's personal chat (opened now if it never was): the channel refuses the bot. */
  private async tellAdmin(waiting: number): Promise<void> {
    const admin = await this.options.channel.admin();
    const channel = await this.options.channel.reference();
    const text = `I can no longer post in the notification channel: Teams answered 403, so the app was removed from the team, or the channel was deleted or archived. ${waiting === 1 ? '1 notification waits' : `${waiting} notifications and sign-off cards wait`}; nothing is lost. Add the app to the team again (or choose another channel) and say \`notify here\` there with an @mention: they are posted then.`;
    if (!admin || !channel?.serviceUrl) {
      this.options.log(`The notification channel refuses the bot, and no admin is known to tell.`);
      return;
    }
    try {
      if (admin.chat) {
        await this.inTurn(admin.chat, (context) => context.sendActivity(text));
        return;
      }
      const tenantId = channel.conversation?.tenantId;
      let chat: Partial<ConversationReference> | null = null;
      let failure: unknown = null;
      await this.options.adapter.createConversationAsync(
        this.options.botAppId,
        'msteams',
        channel.serviceUrl,
        // The adapter's own audience for its cloud, as botbuilder's TeamsInfo passes it.
        null as unknown as string,
        {
          isGroup: false,
          bot: channel.bot ?? { id: this.options.botAppId, name: '' },
          members: [{ id: admin.id, name: admin.name }],
          ...(tenantId ? { tenantId } : {}),
          channelData: tenantId ? { tenant: { id: tenantId } } : {},
        },
        async (context) => {
          try {
            chat = TurnContext.getConversationReference(context.activity);
            await context.sendActivity(text);
          } catch (error) {
            failure = error ?? new Error('unknown failure');
          }
        }
      );
      if (failure !== null) throw failure;
      if (chat) await this.options.channel.rememberAdminChat(admin.id, chat);
    } catch (error) {
      this.options.log(
        `The notification channel refuses the bot, and ${admin.name} could not be told in a personal chat: ${errorText(error)}`
      );
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** What Teams answered, from the connector client's error (status, error code, Retry-After). */
export function refusalOf(error: unknown): TeamsRefusal {
  const failure = error as {
    statusCode?: number;
    code?: string;
    response?: {
      status?: number;
      headers?: { get?: (name: string) => string | undefined };
      bodyAsText?: string;
    };
  };
  const status = failure?.statusCode ?? failure?.response?.status;
  let code: string | undefined;
  try {
    code = (JSON.parse(failure?.response?.bodyAsText ?? '{}') as { error?: { code?: string } })
      .error?.code;
  } catch {
    code = undefined;
  }
  const retryAfter = Number(failure?.response?.headers?.get?.('retry-after'));
  return {
    status: typeof status === 'number' ? status : undefined,
    code: code ?? failure?.code,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
  };
}
