import { TurnContext, type ConversationReference, type Storage } from 'botbuilder';
import { isETagConflict } from '../storage/storage-migration-store';

const CHANNEL_KEY = 'teams/notification-channel';
const CARDS_KEY = 'teams/card-locations';

/** Where a posted card is, so it can be updated in place: its conversation and activity id. */
export interface CardLocation {
  readonly reference: Partial<ConversationReference>;
  readonly activityId: string;
}

/** The admin who chose the channel: told in their personal chat when the channel refuses the bot. */
export interface ChannelAdmin {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId?: string;
  /** Their personal chat with the bot, once known. */
  readonly chat?: Partial<ConversationReference>;
}

interface StoredChannel {
  reference: Partial<ConversationReference>;
  setBy: string;
  setAt: string;
  admin?: ChannelAdmin;
  eTag?: string;
}

/**
 * The notification channel as stored: its conversation reference (a new post, not the thread `notify
 * here` was said in), who chose it, and where each card was posted.
 */
export class NotificationChannel {
  constructor(private readonly storage: Storage) {}

  /** `notify here`: this channel gets the notifications from now on. */
  async use(context: TurnContext, setBy: string, now: Date): Promise<void> {
    const base = TurnContext.getConversationReference(context.activity);
    const conversation = base.conversation
      ? { ...base.conversation, id: base.conversation.id.split(';messageid=')[0] }
      : undefined;
    const from = context.activity.from;
    const before = await this.stored();
    // A personal chat already opened with this admin is kept: it is theirs whichever channel they pick.
    const chat = before?.admin?.id === from.id ? before.admin.chat : undefined;
    await this.storage.write({
      [CHANNEL_KEY]: {
        reference: { ...base, conversation, activityId: undefined },
        setBy,
        setAt: now.toISOString(),
        admin: {
          id: from.id,
          name: setBy,
          ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}),
          ...(chat ? { chat } : {}),
        },
      } satisfies StoredChannel,
    });
  }

  async reference(): Promise<Partial<ConversationReference> | null> {
    return (await this.stored())?.reference ?? null;
  }

  async admin(): Promise<ChannelAdmin | null> {
    return (await this.stored())?.admin ?? null;
  }

  /** Remembers the admin's personal chat, if the channel was not chosen again meanwhile. */
  async rememberAdminChat(adminId: string, chat: Partial<ConversationReference>): Promise<void> {
    const stored = await this.stored();
    if (!stored?.admin || stored.admin.id !== adminId) return;
    try {
      await this.storage.write({ [CHANNEL_KEY]: { ...stored, admin: { ...stored.admin, chat } } });
    } catch (error) {
      // Chosen again meanwhile: the next refusal opens the chat again.
      if (!isETagConflict(error)) throw error;
    }
  }

  async locations(key: string): Promise<CardLocation[]> {
    return ((await this.cards())[key] as CardLocation[] | undefined) ?? [];
  }

  /** Records where a card was posted (instead of `replacing`, a copy Teams no longer has). */
  async rememberCard(key: string, location: CardLocation, replacing?: CardLocation): Promise<void> {
    // Read, change, write with the ETag read: two posts at once must not lose each other's location.
    for (let attempt = 1; ; attempt++) {
      const stored = await this.cards();
      const list = ((stored[key] as CardLocation[] | undefined) ?? []).filter(
        (l) => !replacing || l.activityId !== replacing.activityId
      );
      try {
        await this.storage.write({ [CARDS_KEY]: { ...stored, [key]: [...list, location] } });
        return;
      } catch (error) {
        if (!isETagConflict(error) || attempt >= 5) throw error;
      }
    }
  }

  private async stored(): Promise<StoredChannel | null> {
    return ((await this.storage.read([CHANNEL_KEY]))[CHANNEL_KEY] as StoredChannel) ?? null;
  }

  private async cards(): Promise<Record<string, unknown>> {
    return ((await this.storage.read([CARDS_KEY]))[CARDS_KEY] ?? {}) as Record<string, unknown>;
  }
}
