import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { ConversationReference, TurnContext } from 'botbuilder';
import type { TeamsRefusal } from '../domain/teams-delivery';
import { errorText } from '../error-text';

/** A call to Teams that failed, with what Teams answered. */
export class TeamsCallFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(errorText(cause));
  }
}

/** What Teams itself answered, under a failed proactive turn. */
export const teamsCause = (error: unknown): unknown =>
  error instanceof TeamsCallFailed ? error.cause : error;

/**
 * One proactive turn. Its failure is caught inside and thrown as `TeamsCallFailed`: the adapter hands an
 * error thrown in the turn to its turn-error handler instead of throwing it.
 */
export async function inProactiveTurn<T>(
  adapter: TeamsAdapter,
  botAppId: string,
  reference: Partial<ConversationReference>,
  call: (context: TurnContext) => Promise<T>
): Promise<T | undefined> {
  let result: T | undefined;
  let failure: unknown = null;
  try {
    await adapter.continueConversationAsync(botAppId, reference, async (context) => {
      try {
        result = await call(context);
      } catch (error) {
        failure = error ?? new Error('unknown failure');
      }
    });
  } catch (error) {
    failure = error;
  }
  if (failure !== null) throw new TeamsCallFailed(failure);
  return result;
}

/** What Teams answered, from the connector client's error (status, error code, Retry-After). */
export function refusalOf(error: unknown): TeamsRefusal {
  const failure = error as {
    statusCode?: number;
    code?: string;
    response?: {
      status?: number;
      headers?: { get?: (name: string) => string | undefined };
      bodyAsText?: string;
    };
  };
  const status = failure?.statusCode ?? failure?.response?.status;
  let code: string | undefined;
  try {
    code = (JSON.parse(failure?.response?.bodyAsText ?? '{}') as { error?: { code?: string } })
      .error?.code;
  } catch {
    code = undefined;
  }
  const retryAfter = Number(failure?.response?.headers?.get?.('retry-after'));
  return {
    status: typeof status === 'number' ? status : undefined,
    code: code ?? failure?.code,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
  };
}
