import { TeamsAdapter } from '@microsoft/teams-ai';
import type { BotIdentity } from '../config';
import { errorText } from '../error-text';

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
      // Azure SDK errors come from the bot's own storage; Graph's come as GraphError.
      const reason =
        (error as { name?: string }).name === 'RestError'
          ? `the bot's storage did not answer: ${errorText(error) || 'no details'}`
          : errorText(error);
      await context.sendActivity(
        `I could not handle that (${reason}); nothing was changed. Please try again in a minute.`
      );
    }
  };
  return adapter;
}
