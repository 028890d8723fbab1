import type { TeamsAdapter } from '@microsoft/teams-ai';
import {
  MessageFactory,
  type Attachment,
  type ConversationReference,
  type Storage,
  TurnContext,
} from 'botbuilder';
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
import { isETagConflict } from '../storage/storage-migration-store';
import { ThreadPacer } from './thread-pacer';

const CHANNEL_KEY = 'teams/notification-channel';
const CARDS_KEY = 'teams/card-locations';
/** License errors listed in one notice; the rest are in `errors` and the report. */
const ERROR_ROWS = 10;

interface StoredChannel {
  reference: Partial<ConversationReference>;
  setBy: string;
  setAt: string;
  eTag?: string;
}

/** A card, or how to make it in the conversation it goes to (a sign-off card names that roster's approvers). */
type CardSource = Attachment | ((context: TurnContext) => Promise<Attachment>);

/** Teams' answers worth trying again (its rate-limit guidance), and how often. */
const RETRIABLE = new Set([412, 429, 502, 503, 504]);
const UPDATE_ATTEMPTS = 4;

/** Where a posted card is, so it can be updated in place: its conversation and activity id. */
export interface CardLocation {
  readonly reference: Partial<ConversationReference>;
  readonly activityId: string;
}

/**
 * The notification channel: its conversation reference is kept in storage (so notifications survive a
 * restart), notices are rendered as cards and posted proactively, paced per thread. Approval cards and
 * each wave's progress card are updated in place; where they were posted is kept in storage too.
 */
export class ChannelNotifier implements Notifier {
  private readonly pacer: ThreadPacer;

  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly botAppId: string,
    private readonly storage: Storage,
    private readonly log: (line: string) => void,
    spacingMs?: number,
    /** The approver group's members now, for a sign-off card's automatic refresh. */
    private readonly approverIds: () => Promise<string[]> = () => Promise.resolve([]),
    private readonly retryBaseMs = 500
  ) {
    this.pacer = new ThreadPacer(spacingMs, log);
  }

  /** `notify here`: this channel gets the notifications from now on (a new post, not this thread). */
  async useChannel(context: TurnContext, setBy: string): Promise<void> {
    const base = TurnContext.getConversationReference(context.activity);
    const conversation = base.conversation
      ? { ...base.conversation, id: base.conversation.id.split(';messageid=')[0] }
      : undefined;
    await this.storage.write({
      [CHANNEL_KEY]: {
        reference: { ...base, conversation, activityId: undefined },
        setBy,
        setAt: new Date().toISOString(),
      },
    });
  }

  async channel(): Promise<Partial<ConversationReference> | null> {
    const stored = (await this.storage.read([CHANNEL_KEY]))[CHANNEL_KEY] as
      StoredChannel | undefined;
    return stored?.reference ?? null;
  }

  /** Records where an approval card was posted (besides the channel), to update it after a decision. */
  async rememberCard(key: string, location: CardLocation): Promise<void> {
    // Read, add, write with the ETag read: two posts at once must not lose each other's location.
    for (let attempt = 1; ; attempt++) {
      const stored = ((await this.storage.read([CARDS_KEY]))[CARDS_KEY] ?? {}) as Record<
        string,
        unknown
      >;
      const list = (stored[key] as CardLocation[] | undefined) ?? [];
      try {
        await this.storage.write({ [CARDS_KEY]: { ...stored, [key]: [...list, location] } });
        return;
      } catch (error) {
        if (!isETagConflict(error) || attempt >= 5) throw error;
      }
    }
  }

  async notify(notice: Notice): Promise<void> {
    try {
      // A decided or expired card is updated wherever it was posted, channel or not.
      if (
        notice.kind === 'approval-decided' ||
        notice.kind === 'approval-expired' ||
        notice.kind === 'approval-updated'
      ) {
        const card = this.approvalCardOf(
          notice.request,
          'conditions' in notice ? notice.conditions : undefined
        );
        const key = `approval/${notice.request.id}`;
        if (notice.kind === 'approval-updated') {
          // A request whose card never went out (the process stopped just before) is posted now.
          const channel = await this.channel();
          this.pacer.enqueue(() =>
            channel ? this.postOrUpdate(channel, key, card) : this.updateCards(key, card)
          );
          return;
        }
        this.pacer.enqueue(() => this.updateCards(key, card));
      }
      const channel = await this.channel();
      if (!channel) {
        this.log(`No notification channel yet (\`notify here\`); not posted: ${notice.kind}.`);
        return;
      }
      this.enqueue(channel, notice);
    } catch (error) {
      this.log(`Could not post a ${notice.kind} notice: ${errorText(error)}`);
    }
  }

  /** Resolves when every queued post has gone out (tests, and a clean shutdown). */
  idle(): Promise<void> {
    return this.pacer.idle();
  }

  private enqueue(channel: Partial<ConversationReference>, notice: Notice): void {
    switch (notice.kind) {
      case 'approval-requested':
        return this.post(
          channel,
          this.approvalCardOf(notice.request, notice.conditions),
          `approval/${notice.request.id}`
        );
      case 'approval-expired':
        return this.postText(
          channel,
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
          channel,
          `${by} ${verb} ${describeSubject(request.subject)}${window}${override}.${reason ? ` Reason, as ${by} typed it: “${reason}”` : ''}`,
          'plain'
        );
      }
      case 'wave-progress':
        return this.pacer.enqueue(
          () =>
            this.postOrUpdate(
              channel,
              `progress/wave-${notice.waveNumber}`,
              progressCard(notice.waveNumber, notice.done, notice.total, notice.result, false)
            ),
          `progress/wave-${notice.waveNumber}`
        );
      case 'wave-finished': {
        const { result } = notice;
        return this.post(
          channel,
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
        return this.post(channel, noticeCard(notice));
    }
  }

  /**
   * `notify here` after sign-offs were asked for: their cards are posted in the channel now (a card
   * already there is brought up to date instead).
   */
  postPending(pending: { request: ApprovalRequest; conditions: ApprovalConditions }[]): void {
    for (const { request, conditions } of pending) {
      const key = `approval/${request.id}`;
      this.pacer.enqueue(async () => {
        const channel = await this.channel();
        if (!channel) return;
        const here = (await this.locations(key)).filter(
          (l) => l.reference.conversation?.id === channel.conversation?.id
        );
        const card = this.approvalCardOf(request, conditions);
        if (here.length > 0) await this.updateAt(here, card);
        else await this.postAndRemember(channel, card, key);
      });
    }
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
    this.pacer.enqueue(() => this.updateAt([location], this.approvalCardOf(request, conditions)));
  }

  /** A pending card refreshes for the approvers among the members of where it goes; others are final. */
  private approvalCardOf(request: ApprovalRequest, conditions?: ApprovalConditions): CardSource {
    if (request.status !== 'pending')
      return approvalCard(request, { canDecide: false, conditions });
    return async (context) => {
      let refreshFor: string[] = [];
      try {
        refreshFor = await approverMris(context, await this.approverIds(), this.log);
      } catch (error) {
        this.log(
          `Could not tell which members approve (${errorText(error)}); the sign-off card refreshes for nobody, and approvers press "Show my buttons".`
        );
      }
      return approvalCard(request, { canDecide: false, conditions, refreshFor });
    };
  }

  private post(channel: Partial<ConversationReference>, card: CardSource, key?: string): void {
    this.pacer.enqueue(() => this.postAndRemember(channel, card, key));
  }

  private async postAndRemember(
    channel: Partial<ConversationReference>,
    card: CardSource,
    key?: string
  ): Promise<void> {
    const id = await this.send(
      channel,
      async (context) =>
        (await context.sendActivity(MessageFactory.attachment(await cardIn(context, card))))?.id
    );
    if (id && key) await this.rememberCard(key, { reference: channel, activityId: id });
  }

  private postText(
    channel: Partial<ConversationReference>,
    text: string,
    textFormat: 'markdown' | 'plain' = 'markdown'
  ): void {
    this.pacer.enqueue(async () => {
      await this.send(
        channel,
        async (context) => (await context.sendActivity({ type: 'message', text, textFormat }))?.id
      );
    });
  }

  private async postOrUpdate(
    channel: Partial<ConversationReference>,
    key: string,
    card: CardSource
  ): Promise<void> {
    const known = await this.locations(key);
    if (known.length > 0) return this.updateCards(key, card);
    await this.postAndRemember(channel, card, key);
  }

  private async updateCards(key: string, card: CardSource): Promise<void> {
    await this.updateAt(await this.locations(key), card);
  }

  /** Updates cards in place, each tried again with backoff while Teams answers as its guidance says to. */
  private async updateAt(locations: CardLocation[], card: CardSource): Promise<void> {
    for (const location of locations) {
      for (let attempt = 1; ; attempt++) {
        // Caught inside the turn: the adapter's turn-error handler would otherwise take it.
        let failure: unknown = null;
        await this.adapter.continueConversationAsync(
          this.botAppId,
          location.reference,
          async (context) => {
            try {
              const activity = MessageFactory.attachment(await cardIn(context, card));
              activity.id = location.activityId;
              await context.updateActivity(activity);
            } catch (error) {
              failure = error ?? new Error('unknown failure');
            }
          }
        );
        if (failure === null) break;
        const status = (failure as { statusCode?: number }).statusCode ?? 0;
        if (!RETRIABLE.has(status) || attempt >= UPDATE_ATTEMPTS) {
          this.log(`Could not update a card in Teams: ${errorText(failure)}`);
          break;
        }
        const backoff = this.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  }

  private async locations(key: string): Promise<CardLocation[]> {
    const stored = ((await this.storage.read([CARDS_KEY]))[CARDS_KEY] ?? {}) as Record<
      string,
      unknown
    >;
    return (stored[key] as CardLocation[] | undefined) ?? [];
  }

  /** One proactive turn; a failure is logged and swallowed (the migration does not wait on Teams). */
  private async send(
    reference: Partial<ConversationReference>,
    action: (context: TurnContext) => Promise<string | undefined>
  ): Promise<string | undefined> {
    let id: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        id = await action(context);
      });
    } catch (error) {
      this.log(`Could not post to the notification channel: ${errorText(error)}`);
    }
    return id;
  }
}

const cardIn = (context: TurnContext, card: CardSource): Promise<Attachment> =>
  typeof card === 'function' ? card(context) : Promise.resolve(card);

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
            : ['License processing was not complete when I stopped waiting.']),
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
