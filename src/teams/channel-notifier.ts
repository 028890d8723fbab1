import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Attachment, ConversationReference, TurnContext } from 'botbuilder';
import type { ApprovalRequest } from '../domain/approvals';
import type { ApprovalConditions, Notice, Notifier } from '../engine/ports/notifier';
import { errorText } from '../error-text';
import { approverMris } from './approver-roster';
import { approvalCard } from './cards/approval-card';
import { noticeCard } from './cards/notice-cards';
import { progressCard } from './cards/progress-card';
import { approvalDecidedText, approvalExpiredText } from './cards/sign-off-texts';
import { CardLocations, type CardLocation, type CardLocationsDocument } from './card-locations';
import type { CardSpec, Delivery } from './delivery';
import { NotificationChannel, type ChosenChannel } from './notification-channel';
import type { DeliveryQueue, DocumentStore } from './notifier-stores';
import { TeamsOutbox } from './teams-outbox';

/** What the notifier keeps: passed in by the composition root (the bot's storage in production). */
export interface NotifierStores {
  readonly channel: DocumentStore<ChosenChannel>;
  readonly cardLocations: DocumentStore<CardLocationsDocument>;
  readonly outbox: DeliveryQueue<Delivery>;
}

export interface ChannelNotifierOptions {
  readonly adapter: TeamsAdapter;
  readonly botAppId: string;
  readonly stores: NotifierStores;
  readonly log: (line: string) => void;
  /** The approver group's members now, for a sign-off card's automatic refresh. */
  readonly approverIds?: () => Promise<string[]>;
  /** The least time between two posts in one thread. */
  readonly spacingMs?: number;
  /** The first wait before Teams is asked again (it doubles). */
  readonly retryBaseMs?: number;
  /** Whether this instance delivers (it holds the runner lease): two instances never post one item. */
  readonly delivers?: () => boolean;
  /** How often the outbox is looked at for items other instances added. */
  readonly pollMs?: number;
  readonly now?: () => Date;
}

/**
 * The notification channel's notifier: notices become cards or texts (`cards/`), put in a durable outbox
 * and delivered from there by the instance that holds the runner lease, paced per thread, tried again
 * until Teams has them (`TeamsOutbox`). Sign-off cards and each wave's progress card are updated in
 * place, wherever they were posted (`CardLocations`).
 */
export class ChannelNotifier implements Notifier {
  private readonly place: NotificationChannel;
  private readonly outbox: TeamsOutbox;
  private readonly log: (line: string) => void;
  private readonly approverIds: () => Promise<string[]>;

  constructor(options: ChannelNotifierOptions) {
    this.log = options.log;
    this.approverIds = options.approverIds ?? (() => Promise.resolve([]));
    this.place = new NotificationChannel(options.stores.channel);
    this.outbox = new TeamsOutbox({
      adapter: options.adapter,
      botAppId: options.botAppId,
      channel: this.place,
      cards: new CardLocations(options.stores.cardLocations),
      store: options.stores.outbox,
      render: (card, context) => this.render(card, context),
      delivers: options.delivers ?? (() => true),
      log: options.log,
      now: options.now ?? (() => new Date()),
      spacingMs: options.spacingMs,
      retryBaseMs: options.retryBaseMs ?? 1_000,
      pollMs: options.pollMs,
    });
  }

  /** Delivers what is left in the outbox from before, and keeps looking for what others add. */
  start(): void {
    this.outbox.start();
  }

  /** `notify here`: this channel gets the notifications from now on (a new post, not this thread). */
  async useChannel(context: TurnContext, setBy: string): Promise<void> {
    await this.place.use(context, setBy, new Date());
    // What waited because the old channel refused the bot goes here now.
    await this.outbox.release();
  }

  channel(): Promise<Partial<ConversationReference> | null> {
    return this.place.reference();
  }

  async notify(notice: Notice): Promise<void> {
    try {
      // A decided or expired card is updated wherever it was posted, channel or not.
      if (
        notice.kind === 'approval-decided' ||
        notice.kind === 'approval-expired' ||
        notice.kind === 'approval-updated'
      ) {
        const card = approvalSpec(
          notice.request,
          'conditions' in notice ? notice.conditions : undefined
        );
        const key = `approval/${notice.request.id}`;
        // A request whose card never went out (the process stopped just before) is posted now.
        if (notice.kind === 'approval-updated')
          return await this.outbox.add({ do: 'ensure', key, card });
        await this.outbox.add({ do: 'update', key, card });
      }
      if (!(await this.channel())) {
        this.log(`No notification channel yet (\`notify here\`); not posted: ${notice.kind}.`);
        return;
      }
      await this.enqueue(notice);
    } catch (error) {
      this.log(`Could not queue a ${notice.kind} notice: ${errorText(error)}`);
    }
  }

  /** Resolves when this instance has delivered everything it can for now (tests, and a clean shutdown). */
  idle(): Promise<void> {
    return this.outbox.idle();
  }

  /** Stops delivering after the call in hand; the rest waits in storage for the next run. */
  stop(): Promise<void> {
    return this.outbox.stop();
  }

  private enqueue(notice: Notice): Promise<void> {
    switch (notice.kind) {
      case 'approval-requested':
        return this.outbox.add({
          do: 'ensure',
          key: `approval/${notice.request.id}`,
          card: approvalSpec(notice.request, notice.conditions),
        });
      case 'approval-expired':
        return this.postText(approvalExpiredText(notice.request));
      case 'approval-decided':
        return this.postText(approvalDecidedText(notice.request), 'plain');
      case 'wave-progress': {
        const key = `progress/wave-${notice.waveNumber}`;
        const attachment = progressCard(
          notice.waveNumber,
          notice.done,
          notice.total,
          notice.result,
          false
        );
        // A newer progress takes the place of one still waiting: progress never floods a thread.
        return this.outbox.add({ do: 'ensure', key, card: { attachment } }, key);
      }
      default:
        return this.post(noticeCard(notice));
    }
  }

  /**
   * `notify here` after sign-offs were asked for: their cards are posted in the channel now (a card
   * already there is brought up to date instead).
   */
  postPending(pending: { request: ApprovalRequest; conditions: ApprovalConditions }[]): void {
    for (const { request, conditions } of pending)
      void this.outbox
        .add({
          do: 'ensure',
          key: `approval/${request.id}`,
          card: approvalSpec(request, conditions),
        })
        .catch((error) => this.log(`Could not queue a sign-off card: ${errorText(error)}`));
  }

  /**
   * Replaces one posted sign-off card for everyone, after the click on it was answered: a failed update
   * then costs the clicker nothing, and it is tried again.
   */
  replaceCard(
    location: CardLocation,
    request: ApprovalRequest,
    conditions?: ApprovalConditions
  ): void {
    void this.outbox
      .add({
        do: 'update',
        key: `approval/${request.id}`,
        card: approvalSpec(request, conditions),
        at: location,
      })
      .catch((error) => this.log(`Could not queue a card update: ${errorText(error)}`));
  }

  /** A pending card refreshes for the approvers among the members of where it goes; others are final. */
  private async render(card: CardSpec, context: TurnContext): Promise<Attachment> {
    if ('attachment' in card) return card.attachment;
    const { request, conditions } = card.approval;
    if (request.status !== 'pending')
      return approvalCard(request, { canDecide: false, conditions });
    let refreshFor: string[] = [];
    try {
      refreshFor = await approverMris(context, await this.approverIds(), this.log);
    } catch (error) {
      this.log(
        `Could not tell which members approve (${errorText(error)}); the sign-off card refreshes for nobody, and approvers press "Show my buttons".`
      );
    }
    return approvalCard(request, { canDecide: false, conditions, refreshFor });
  }

  private post(attachment: Attachment): Promise<void> {
    return this.outbox.add({ do: 'post', card: { attachment } });
  }

  private postText(text: string, textFormat: 'markdown' | 'plain' = 'markdown'): Promise<void> {
    return this.outbox.add({ do: 'post-text', text, textFormat });
  }
}

const approvalSpec = (request: ApprovalRequest, conditions?: ApprovalConditions): CardSpec => ({
  approval: { request, ...(conditions ? { conditions } : {}) },
});
