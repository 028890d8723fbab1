import type { TeamsAdapter } from '@microsoft/teams-ai';
import { type Attachment, type ConversationReference, type Storage, TurnContext } from 'botbuilder';
import { describeSubject, type ApprovalRequest } from '../domain/approvals';
import { describeReassignment } from '../domain/done-report';
import { describeAutomation } from '../domain/automation';
import { describeJoiners } from '../domain/joiners';
import { productName } from '../domain/product-names';
import type { ApprovalConditions, Notice, Notifier } from '../engine/notifier';
import { errorText } from '../error-text';
import { approverMris } from './approver-roster';
import { approvalCard } from './cards/approval-card';
import { count } from './cards/card-format';
import { progressCard } from './cards/progress-card';
import { summaryCard } from './cards/summary-card';
import { NAME_MAX_LENGTH, REASON_MAX_LENGTH, nameInCard, plainTyped } from './cards/typed-text';
import { OutboxStore } from '../storage/outbox-store';
import { NotificationChannel, type CardLocation } from './notification-channel';
import { TeamsOutbox, type CardSpec, type Delivery } from './teams-outbox';

/** License errors listed in one notice; the rest are in `errors` and the report. */
const ERROR_ROWS = 10;

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
        return this.postText(
          `The request for ${describeSubject(notice.request.subject)} expired unanswered; nothing was done.`
        );
      case 'approval-decided': {
        const { request } = notice;
        const verb = request.status === 'approved' ? 'approved' : 'rejected';
        const window = request.window ? `, to run in its window ${request.window.text}` : '';
        const override = request.overrode ? ' although it was held up' : '';
        // Sent as plain text (Teams renders no markdown or HTML in it), what was typed set apart in quotes.
        const by = plainTyped(request.decidedBy?.name ?? 'Someone', NAME_MAX_LENGTH);
        const reason = request.reason ? plainTyped(request.reason, REASON_MAX_LENGTH) : '';
        return this.postText(
          `${by} ${verb} ${describeSubject(request.subject)}${window}${override}.${reason ? ` Reason, as ${by} typed it: “${reason}”` : ''}`,
          'plain'
        );
      }
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
      case 'wave-finished': {
        const { result } = notice;
        return this.post(
          summaryCard({
            title: `Wave ${notice.waveNumber} ${result.stoppedBecause ? 'stopped' : 'finished'}`,
            color: result.stoppedBecause || result.restored > 0 ? 'Attention' : 'Good',
            facts: [
              { title: 'Removed', value: count(result.removed) },
              { title: 'Skipped (kept, with the reason)', value: count(result.skipped) },
              { title: 'Put back at once', value: count(result.restored) },
              { title: 'Failed', value: count(result.failed) },
            ],
            rows: notice.notable.map((n) => ({
              heading: `${n.userPrincipalName}: ${n.outcome === 'restored' ? 'put back' : n.outcome}`,
              detail: n.reason,
            })),
            lines: result.stoppedBecause ? [result.stoppedBecause] : [],
            footer: `\`wave ${notice.waveNumber}\` for details, \`report\` for every user.`,
          })
        );
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

/** The card for a notice that is posted once and not updated. */
function noticeCard(notice: Notice): Attachment {
  switch (notice.kind) {
    case 'assign-started':
      return summaryCard({
        title: 'Group assignment started',
        lines: [
          `Populating and licensing ${notice.groups.length} groups: ${notice.groups.map(nameInCard).join(', ')}.`,
          'I post each group’s license processing as it moves.',
        ],
      });
    case 'group-processing':
      return summaryCard({
        title: `${nameInCard(notice.groupName)}: ${notice.state === 'ProcessingComplete' ? 'license processing complete' : `license processing ${notice.state}`}`,
        color: notice.state === 'ProcessingComplete' ? 'Good' : 'Default',
      });
    case 'assign-finished':
      return summaryCard({
        title: 'Group assignment finished',
        color: notice.processingComplete && notice.failures === 0 ? 'Good' : 'Warning',
        rows: notice.groups.map((g) => ({
          heading: nameInCard(g.name),
          detail: `${g.created ? 'created' : 'existing'}, ${count(g.membersAdded)} members added`,
        })),
        lines: [
          ...Object.entries(notice.verify).map(
            ([sku, n]) =>
              `${productName(sku)}: ${count(n.remove)} direct assignments can go, ${count(n.skip)} must stay.`
          ),
          ...(notice.failures > 0
            ? [`${notice.failures} members could not be added; see the log.`]
            : []),
          ...(notice.processingComplete
            ? notice.processingConfirmedBy
              ? [processingConfirmation[notice.processingConfirmedBy]]
              : []
            : [
                'License processing was not complete when I stopped waiting; `verify` shows who is covered.',
                ...(notice.processingPending ?? []).map(
                  (p) => `${nameInCard(p.name)} waited for ${p.waitingFor}.`
                ),
              ]),
        ],
        footer: 'Next: `verify` and `errors`, then `waves`.',
      });
    case 'license-errors':
      return summaryCard({
        title: `${count(notice.rows.length)} group members are in license error`,
        color: 'Attention',
        rows: notice.rows.slice(0, ERROR_ROWS).map((r) => ({
          heading: `${r.userPrincipalName} in ${nameInCard(r.groupName)}: ${r.error}`,
          detail: `${r.cause} Fix: ${r.fix}`,
        })),
        footer:
          notice.rows.length > ERROR_ROWS
            ? `And ${notice.rows.length - ERROR_ROWS} more: \`errors\` or \`report\`.`
            : 'Their direct assignments stay until the error is fixed.',
      });
    case 'wave-started':
      return summaryCard({
        title: `Wave ${notice.waveNumber} ${notice.resumed ? 'goes on' : 'started'}`,
        lines: [
          `${count(notice.users)} users; progress is updated on one card.`,
          ...(notice.schedule ? [notice.schedule] : []),
        ],
      });
    case 'wave-window-closed':
      return summaryCard({
        title: `Wave ${notice.waveNumber} stopped at the end of its release window`,
        facts: [
          { title: 'Removed so far', value: count(notice.result.removed) },
          { title: 'Skipped', value: count(notice.result.skipped) },
          { title: 'Put back at once', value: count(notice.result.restored) },
        ],
        lines: ['The users in hand were finished; nobody is left half-done.', notice.schedule],
      });
    case 'follow-up-finished':
      return summaryCard({
        title:
          notice.problems === 0
            ? `Wave ${notice.waveNumber}'s follow-up is clean`
            : `Wave ${notice.waveNumber}'s follow-up found ${count(notice.problems)} ${notice.problems === 1 ? 'problem' : 'problems'}`,
        color: notice.problems === 0 ? 'Good' : 'Attention',
        facts: [
          { title: 'Removed assignments checked', value: count(notice.checked) },
          { title: 'Users deleted since', value: count(notice.usersGone) },
        ],
        rows: notice.findings.map((f) => ({ heading: f.userPrincipalName, detail: f.detail })),
        lines: [
          ...(notice.problems === 0
            ? [
                'Every user still holds every license and service plan they had, inherited and active, with no license error and no new direct assignment.',
              ]
            : []),
          ...(notice.problems > 0 && notice.releasedBefore !== null
            ? [
                `Wave ${notice.releasedBefore} was released before this result; \`pause\` holds it while you look.`,
              ]
            : []),
          ...(notice.restoreRequested
            ? [
                'Putting back what is missing needs a sign-off: the card follows. Nothing is given back before it is approved.',
              ]
            : []),
        ],
        footer:
          notice.nextWave === null
            ? `\`wave ${notice.waveNumber}\` for details.`
            : notice.nextWaveHeldBy === null
              ? `Wave ${notice.nextWave} may be released now.`
              : `Wave ${notice.nextWave} is held up: ${notice.nextWaveHeldBy} An approver may release it anyway, with a reason.`,
      });
    case 'follow-up-restored':
      return summaryCard({
        title: `Wave ${notice.waveNumber}: what its follow-up found missing is back`,
        color: 'Good',
        facts: [
          { title: 'Direct assignments put back', value: count(notice.restored) },
          { title: 'Already back', value: count(notice.alreadyThere) },
        ],
      });
    case 'rollback-finished':
      return summaryCard({
        title: `Wave ${notice.waveNumber} rolled back`,
        color: notice.failed > 0 ? 'Attention' : 'Good',
        facts: [
          { title: 'Direct assignments back', value: count(notice.restored) },
          { title: 'Not yet put back', value: count(notice.failed) },
        ],
      });
    case 'automation-still-running':
      return summaryCard({
        title: 'The old automation is still assigning licenses directly',
        color: 'Warning',
        lines: [
          ...notice.findings.slice(0, 3).map(describeAutomation),
          ...notice.reassigned.slice(0, 5).map((w) => describeReassignment(w, w.skuId)),
          ...[notice.joiners && describeJoiners(notice.joiners)].flatMap((line) =>
            line ? [line] : []
          ),
        ],
        footer:
          notice.reassigned.length > 0
            ? `${count(notice.reassigned.length)} users removed in a wave hold a direct assignment again.`
            : 'Nobody removed in a wave holds a direct assignment again.',
      });
    case 'problem':
      return summaryCard({ title: 'A problem', color: 'Attention', lines: [notice.text] });
    case 'dynamic-proof':
      return summaryCard({ title: notice.title, lines: [...notice.lines] });
    default:
      return summaryCard({ title: notice.kind });
  }
}

/** Which signal showed group license processing done (the audit log is minutes late in real tenants). */
const processingConfirmation = {
  audit: 'License processing finished: confirmed by the audit log.',
  'license states':
    "License processing finished: every member's license states show the group's license (the audit log has not confirmed it yet).",
  'processing state': "License processing finished, as the groups' processing state says.",
} as const;
