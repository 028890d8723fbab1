import type { TeamsAdapter } from '@microsoft/teams-ai';
import { type Attachment, type ConversationReference, type Storage, TurnContext } from 'botbuilder';
import type { ApprovalRequest } from '../domain/approvals';
import type { ApprovalConditions, Notice, Notifier } from '../engine/notifier';
import { errorText } from '../error-text';
import { approverMris } from './approver-roster';
import { approvalCard } from './cards/approval-card';
import { noticeCard } from './cards/notice-cards';
import { progressCard } from './cards/progress-card';
import { approvalDecidedText, approvalExpiredText } from './cards/sign-off-texts';
import { OutboxStore } from '../storage/outbox-store';
import { NotificationChannel, type CardLocation } from './notification-channel';
import { TeamsOutbox, type CardSpec, type Delivery } from './teams-outbox';

export type { CardLocation } from './notification-channel';

/**
 * The notification channel's notifier: notices become cards or texts, put in a durable outbox (in the
 * bot's storage) and delivered from there by the instance that holds the runner lease, paced per
 * thread, tried again until Teams has them. Sign-off cards and each wave's progress card are updated in
 * place; where they were posted is kept in storage too.
 */
export class ChannelNotifier implements Notifier {
  private readonly place: NotificationChannel;
  private readonly outbox: TeamsOutbox;

  constructor(
    adapter: TeamsAdapter,
    botAppId: string,
    storage: Storage,
    private readonly log: (line: string) => void,
    spacingMs?: number,
    /** The approver group's members now, for a sign-off card's automatic refresh. */
    private readonly approverIds: () => Promise<string[]> = () => Promise.resolve([]),
    retryBaseMs = 1_000,
    delivery: {
      readonly delivers?: () => boolean;
      readonly pollMs?: number;
      readonly now?: () => Date;
    } = {}
  ) {
    this.place = new NotificationChannel(storage);
    this.outbox = new TeamsOutbox({
      adapter,
      botAppId,
      channel: this.place,
      store: new OutboxStore<Delivery>(storage),
      render: (card, context) => this.render(card, context),
      delivers: delivery.delivers ?? (() => true),
      log,
      now: delivery.now ?? (() => new Date()),
      spacingMs,
      retryBaseMs,
      pollMs: delivery.pollMs,
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
