import type { TeamsAdapter } from '@microsoft/teams-ai';
import { errorText } from '../error-text';
import type { NotificationChannel } from './notification-channel';
import { openPersonalChat } from './personal-chat';
import { inProactiveTurn } from './proactive-turn';

const refusedText = (waiting: number) =>
  `I can no longer post in the notification channel: Teams answered 403, so the app was removed from the team, or the channel was deleted or archived. ${waiting === 1 ? '1 notification waits' : `${waiting} notifications and sign-off cards wait`}; nothing is lost. Add the app to the team again (or choose another channel) and say \`notify here\` there with an @mention: they are posted then.`;

/**
 * Tells the admin who chose the channel, in their personal chat (opened now if it never was), that the
 * channel refuses the bot and what waits. Never throws: what cannot be told is logged.
 */
export async function tellChannelAdmin(
  adapter: TeamsAdapter,
  botAppId: string,
  channel: NotificationChannel,
  waiting: number,
  log: (line: string) => void
): Promise<void> {
  const admin = await channel.admin();
  const reference = await channel.reference();
  if (!admin || !reference?.serviceUrl) {
    log(`The notification channel refuses the bot, and no admin is known to tell.`);
    return;
  }
  const text = refusedText(waiting);
  try {
    if (admin.chat) {
      await inProactiveTurn(adapter, botAppId, admin.chat, (context) => context.sendActivity(text));
      return;
    }
    const tenantId = reference.conversation?.tenantId;
    const chat = await openPersonalChat(
      adapter,
      botAppId,
      {
        serviceUrl: reference.serviceUrl,
        bot: reference.bot ?? { id: botAppId, name: '' },
        member: admin,
        ...(tenantId ? { tenantId } : {}),
      },
      text
    );
    if (chat) await channel.rememberAdminChat(admin.id, chat);
  } catch (error) {
    log(
      `The notification channel refuses the bot, and ${admin.name} could not be told in a personal chat: ${errorText(error)}`
    );
  }
}
