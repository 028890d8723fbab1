import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, TurnContext } from 'botbuilder';
import type { BotIdentity } from '../config';
import { errorText } from '../error-text';
import { standInAuthentication } from './stand-in-endpoints';

/** What became of one activity: refused for its token, or handled with this HTTP answer. */
export type ActivityOutcome =
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'handled'; readonly status: number; readonly body?: unknown };

/**
 * The Bot Framework adapter. With an identity, every activity must carry a valid Bot Framework token;
 * without one the bot runs anonymous, as the Agents Playground needs (config.ts allows that only against
 * the tenant simulator). The HTTP side (content type, size, JSON) is the messages route's: the adapter
 * gets a parsed activity and the Authorization header, checks the token, then runs the turn.
 */
export class BotAdapter extends TeamsAdapter {
  /** Checks the token against this activity (issuer, audience, signature, service URL), then runs the turn. */
  async handleActivity(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>
  ): Promise<ActivityOutcome> {
    let authentication;
    try {
      authentication = await this.botFrameworkAuthentication.authenticateRequest(
        activity,
        authHeader
      );
    } catch (error) {
      // Any failure here is the caller's token (or the signing keys out of reach): a 401, never a 500.
      return { kind: 'refused', reason: oneShortLine(errorText(error) || 'no reason given') };
    }
    const response = await this.processActivity(authentication, activity, logic);
    return { kind: 'handled', status: response?.status ?? 200, body: response?.body };
  }
}

/** Printable characters only, at most 120: the reason comes from a token anyone can craft. */
function oneShortLine(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return printable.length > 120 ? `${printable.slice(0, 119)}…` : printable;
}

/** The two console.error calls botframework-connector's JwtTokenExtractor makes for a bad token. */
export function isTokenValidationNoise(args: readonly unknown[]): boolean {
  const [first] = args;
  if (typeof first === 'string') return first.startsWith('Error finding key for token.');
  return first instanceof Error && first.name === 'TokenExpiredError';
}

const quieted = Symbol.for('license-migration-bot.quiet-token-errors');

/**
 * botframework-connector 4.23 prints to console.error when a token fails its signature check (with the
 * signing key) or has expired (with a stack trace). Either is the caller's doing and can be repeated at
 * will; the messages route logs one short, rate-limited line for every refusal instead.
 */
export function quietTokenValidationErrors(): void {
  const target = console as Console & { [quieted]?: boolean };
  if (target[quieted]) return;
  const error = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (!isTokenValidationNoise(args)) error(...args);
  };
  target[quieted] = true;
}

/** Microsoft's endpoints in Azure; loopback stand-ins of them in tests (config.ts allows nothing else). */
function identifiedAdapter(identity: BotIdentity): BotAdapter {
  if (identity.endpoints) {
    const standIn = standInAuthentication(identity, identity.endpoints);
    return new BotAdapter(standIn.options, standIn.credentialsFactory);
  }
  return new BotAdapter({
    MicrosoftAppId: identity.appId,
    MicrosoftAppPassword: identity.password,
    MicrosoftAppType: identity.appType,
    MicrosoftAppTenantId: identity.appTenantId,
  });
}

export function createBotAdapter(
  identity: BotIdentity | null,
  log: (line: string) => void
): BotAdapter {
  quietTokenValidationErrors();
  const adapter = identity ? identifiedAdapter(identity) : new BotAdapter({});
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
