import type { Activity, CloudAdapterBase, TurnContext } from 'botbuilder';

/**
 * Sends to the person who wrote this activity, in their personal chat with the bot: here if that is
 * where they wrote, otherwise in a 1:1 conversation opened with them (the app must be installed for
 * them, as it is for anyone who has chatted with it).
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
  let failure: unknown = null;
  await (context.adapter as CloudAdapterBase).createConversationAsync(
    botAppId,
    'msteams',
    here.serviceUrl,
    // The adapter's own audience for its cloud, as botbuilder's TeamsInfo passes it.
    null as unknown as string,
    {
      isGroup: false,
      bot: here.recipient,
      members: [{ id: here.from.id, name: here.from.name }],
      ...(tenantId ? { tenantId } : {}),
      channelData: tenantId ? { tenant: { id: tenantId } } : {},
    },
    async (personal) => {
      // Caught inside: the adapter hands an error thrown in the turn to its turn-error handler.
      try {
        await personal.sendActivity(activity);
      } catch (error) {
        failure = error ?? new Error('unknown failure');
      }
    }
  );
  if (failure !== null) throw failure;
}
