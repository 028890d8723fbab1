import { TurnContext, type ConversationReference } from 'botbuilder';
import type { DocumentStore } from './notifier-stores';

/** The admin who chose the channel: told in their personal chat when the channel refuses the bot. */
export interface ChannelAdmin {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId?: string;
  /** Their personal chat with the bot, once known. */
  readonly chat?: Partial<ConversationReference>;
}

/** The notification channel as kept: where it is, who chose it and when. */
export interface ChosenChannel {
  readonly reference: Partial<ConversationReference>;
  readonly setBy: string;
  readonly setAt: string;
  readonly admin?: ChannelAdmin;
}

/**
 * The notification channel: its conversation reference (a new post, not the thread `notify here` was
 * said in) and who chose it.
 */
export class NotificationChannel {
  constructor(private readonly store: DocumentStore<ChosenChannel>) {}

  /** `notify here`: this channel gets the notifications from now on. */
  async use(context: TurnContext, setBy: string, now: Date): Promise<void> {
    const base = TurnContext.getConversationReference(context.activity);
    const conversation = base.conversation
      ? { ...base.conversation, id: base.conversation.id.split(';messageid=')[0] }
      : undefined;
    const from = context.activity.from;
    const before = await this.store.read();
    // A personal chat already opened with this admin is kept: it is theirs whichever channel they pick.
    const chat = before?.admin?.id === from.id ? before.admin.chat : undefined;
    await this.store.replace({
      reference: { ...base, conversation, activityId: undefined },
      setBy,
      setAt: now.toISOString(),
      admin: {
        id: from.id,
        name: setBy,
        ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}),
        ...(chat ? { chat } : {}),
      },
    });
  }

  async reference(): Promise<Partial<ConversationReference> | null> {
    return (await this.store.read())?.reference ?? null;
  }

  async admin(): Promise<ChannelAdmin | null> {
    return (await this.store.read())?.admin ?? null;
  }

  /** Remembers the admin's personal chat, if the channel was not chosen again meanwhile. */
  async rememberAdminChat(adminId: string, chat: Partial<ConversationReference>): Promise<void> {
    // One attempt: a channel chosen again meanwhile wins, and the next refusal opens the chat again.
    await this.store.change(
      (stored) =>
        stored?.admin && stored.admin.id === adminId
          ? { ...stored, admin: { ...stored.admin, chat } }
          : null,
      1
    );
  }
}
