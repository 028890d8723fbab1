import type { TeamsAdapter } from '@microsoft/teams-ai';
import {
  MessageFactory,
  type Attachment,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import { deliveryFailure } from '../domain/teams-delivery';
import { errorText } from '../error-text';
import type { CardLocation, CardLocations } from './card-locations';
import { tellChannelAdmin } from './channel-admin-alert';
import type { CardSpec, Delivery } from './delivery';
import type { NotificationChannel } from './notification-channel';
import type { DeliveryQueue } from './notifier-stores';
import { inProactiveTurn, refusalOf, teamsCause } from './proactive-turn';
import { ThreadPacer } from './thread-pacer';

export interface TeamsOutboxOptions {
  readonly adapter: TeamsAdapter;
  readonly botAppId: string;
  readonly channel: NotificationChannel;
  readonly cards: CardLocations;
  readonly store: DeliveryQueue<Delivery>;
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
      const cause = teamsCause(error);
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
        if (await this.options.store.block(this.options.now()))
          await tellChannelAdmin(
            this.options.adapter,
            this.options.botAppId,
            this.options.channel,
            items.length,
            this.options.log
          );
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
        const at = delivery.at ? [delivery.at] : await this.options.cards.of(delivery.key);
        for (const location of at) await this.update(delivery.key, location, delivery.card);
        return;
      }
      case 'ensure': {
        const known = await this.options.cards.of(delivery.key);
        for (const location of known) await this.update(delivery.key, location, delivery.card);
        const inChannel = known.some(
          (l) => l.reference.conversation?.id === channel?.conversation?.id
        );
        if (channel && !inChannel) {
          const activityId = await this.post(channel, delivery.card);
          if (activityId)
            await this.options.cards.remember(delivery.key, {
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
      const refusal = refusalOf(teamsCause(error));
      if (deliveryFailure(refusal, 1, 0, 0).kind !== 'post-afresh') throw error;
      const activityId = await this.post(location.reference, card);
      if (activityId)
        await this.options.cards.remember(
          key,
          { reference: location.reference, activityId },
          location
        );
    }
  }

  private inTurn<T>(
    reference: Partial<ConversationReference>,
    call: (context: TurnContext) => Promise<T>
  ): Promise<T | undefined> {
    return inProactiveTurn(this.options.adapter, this.options.botAppId, reference, call);
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
