import {
  TurnContext,
  type Activity,
  type ChannelAccount,
  type CloudAdapterBase,
  type ConversationReference,
} from 'botbuilder';

/** Where a personal chat is opened: the Teams service, the bot's account, the member, their tenant. */
export interface PersonalChatPlace {
  readonly serviceUrl: string;
  readonly bot: Partial<ChannelAccount> & { id: string; name: string };
  readonly member: { readonly id: string; readonly name: string };
  readonly tenantId?: string;
}

/**
 * Opens a 1:1 conversation with a member (the app must be installed for them, as it is for anyone who
 * has chatted with it), says `activity` there, and returns the chat's reference.
 */
export async function openPersonalChat(
  adapter: CloudAdapterBase,
  botAppId: string,
  place: PersonalChatPlace,
  activity: Partial<Activity> | string
): Promise<Partial<ConversationReference> | null> {
  const { tenantId } = place;
  let chat: Partial<ConversationReference> | null = null;
  let failure: unknown = null;
  await adapter.createConversationAsync(
    botAppId,
    'msteams',
    place.serviceUrl,
    // The adapter's own audience for its cloud, as botbuilder's TeamsInfo passes it.
    null as unknown as string,
    {
      isGroup: false,
      bot: place.bot,
      members: [{ id: place.member.id, name: place.member.name }],
      ...(tenantId ? { tenantId } : {}),
      channelData: tenantId ? { tenant: { id: tenantId } } : {},
    },
    async (personal) => {
      // Caught inside: the adapter hands an error thrown in the turn to its turn-error handler.
      try {
        chat = TurnContext.getConversationReference(personal.activity);
        await personal.sendActivity(activity);
      } catch (error) {
        failure = error ?? new Error('unknown failure');
      }
    }
  );
  if (failure !== null) throw failure;
  return chat;
}

/**
 * Sends to the person who wrote this activity, in their personal chat with the bot: here if that is
 * where they wrote, otherwise in a 1:1 conversation opened with them.
 */
export async function sendToPersonalChat(
  context: TurnContext,
  botAppId: string,
  activity: Partial<Activity>
): Promise<void> {
  const here = context.activity;
  if (here.conversation?.conversationType === 'personal') {
    await context.sendActivity(activity);
    return;
  }
  const tenantId =
    here.conversation?.tenantId ?? (here.channelData as { tenant?: { id?: string } })?.tenant?.id;
  await openPersonalChat(
    context.adapter as CloudAdapterBase,
    botAppId,
    {
      serviceUrl: here.serviceUrl,
      bot: here.recipient,
      member: here.from,
      ...(tenantId ? { tenantId } : {}),
    },
    activity
  );
}
