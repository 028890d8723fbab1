import type {
  DirectoryFailure,
  NotFound,
  RemovalAnswer,
  RestoreAnswer,
} from '../domain/directory-answers';
import { isLeaseLost } from '../engine/ports/write-fence';
import { errorText } from '../error-text';
import { HeldBackError } from './graph-batch';

/**
 * Which answer a Graph error is. A single call's error carries Graph's status as `statusCode`; an item
 * of a `$batch` answers with an Error whose message starts with it (graph-batch.ts): either tells.
 */
function answeredWith(error: unknown, statuses: readonly number[]): boolean {
  const status = (error as { statusCode?: number } | null)?.statusCode ?? 0;
  const message = error instanceof Error ? error.message : String(error);
  return statuses.includes(status) || new RegExp(`^(${statuses.join('|')})\\b`).test(message);
}

/** A deleted user (or one not replicated yet): 404. */
export const isNotFoundAnswer = (error: unknown): boolean => answeredWith(error, [404]);

/**
 * Graph's answer to removing a direct license the user does not hold: "User does not have a corresponding
 * license", or, when a group still gives the SKU (every wave's user), "User license is inherited from a
 * group membership and it cannot be removed directly". Someone removed it before this request arrived
 * (the old script, for a leaver), or this bot's own earlier attempt did and its answer was lost (the
 * retry then gets this). Only the audit log's initiator tells which, minutes later.
 */
export function isAlreadyGoneAnswer(error: Error | null): boolean {
  return (
    error !== null &&
    /does not have a corresponding license|license is inherited from a group membership and it cannot be removed directly/i.test(
      error.message
    )
  );
}

/**
 * Graph refused the request outright (400, 401, 403), so nothing changed and a read still showing the
 * direct assignment is right, however stale. An answer that the direct license is already gone is not
 * such a refusal: it is what an earlier attempt that did go through leaves (a lost answer, retried).
 */
export function isDefiniteRefusal(error: Error | null): boolean {
  return error !== null && answeredWith(error, [400, 401, 403]) && !isAlreadyGoneAnswer(error);
}

/** A call that failed: the user is not there, Graph refused it, or it may go otherwise later. */
export function failureOf(error: unknown): NotFound | DirectoryFailure {
  const reason = errorText(error);
  if (isNotFoundAnswer(error)) return { kind: 'not-found', reason };
  return { kind: 'failed', reason, transient: !answeredWith(error, [400, 401, 403]) };
}

/** A removal's answer: null when Graph took it, else the error it ended with. */
export function removalAnswerOf(error: unknown): RemovalAnswer {
  if (error === null) return { kind: 'done' };
  if (error instanceof HeldBackError) return { kind: 'held-back' };
  if (isLeaseLost(error)) return { kind: 'lease-lost', reason: errorText(error) };
  if (error instanceof Error && isAlreadyGoneAnswer(error))
    return { kind: 'already-gone', reason: errorText(error) };
  return failureOf(error);
}

/** A restore's answer: null when Graph took it, else the error it ended with. */
export function restoreAnswerOf(error: unknown): RestoreAnswer {
  if (error === null) return { kind: 'done' };
  if (isLeaseLost(error)) return { kind: 'lease-lost', reason: errorText(error) };
  return failureOf(error);
}
