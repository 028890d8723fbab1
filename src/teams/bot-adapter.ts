import { TeamsAdapter } from '@microsoft/teams-ai';
import type { BotIdentity } from '../config';

/**
 * The Bot Framework adapter. With an identity, every request must carry a valid Bot Framework token
 * (401 otherwise); without one the bot runs anonymous, as the Agents Playground needs.
 */
export function createBotAdapter(
  identity: BotIdentity | null,
  log: (line: string) => void
): TeamsAdapter {
  const adapter = identity
    ? new TeamsAdapter({
        MicrosoftAppId: identity.appId,
        MicrosoftAppPassword: identity.password,
        MicrosoftAppType: identity.appType,
        MicrosoftAppTenantId: identity.appTenantId,
      })
    : new TeamsAdapter({});
  adapter.onTurnError = async (context, error) => {
    log(
      `Turn failed (${context.activity.type}): ${error instanceof Error ? error.stack : String(error)}`
    );
    // Only a person who typed something gets an apology; replying to events would spam a channel.
    if (context.activity.type === 'message') {
      await context.sendActivity(
        'Something went wrong on my side; nothing was changed. Please try again.'
      );
    }
  };
  return adapter;
}
