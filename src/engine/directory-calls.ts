import type { UserLicenseSnapshot } from '../domain/licenses';
import { errorText } from '../error-text';
import { HeldBackError, type DepartureGate, type DirectoryWriter } from './ports/directory-writer';

/** Users per round trip: Graph's JSON batch limit. */
export const CHUNK = 20;

/** A deleted user: 404 from a single read (statusCode) or from inside a batch (the message). */
export const isNotFound = (error: unknown): boolean =>
  (error as { statusCode?: number }).statusCode === 404 || /^404\b/.test(errorText(error));

/** An error Graph may not give again in a moment: no answer, throttled, or a server error. */
export const isTransient = (error: Error): boolean =>
  ![400, 401, 403, 404].includes((error as { statusCode?: number }).statusCode ?? 0) &&
  !/^(400|401|403|404)\b/.test(error.message);

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** Fresh reads of many users: batched when the writer can, else one by one; a failed read is an Error. */
export async function readUsers(
  writer: DirectoryWriter,
  userIds: readonly string[]
): Promise<Map<string, UserLicenseSnapshot | Error>> {
  if (userIds.length === 0) return new Map();
  if (writer.readUsers) {
    try {
      return await writer.readUsers(userIds);
    } catch (error) {
      return new Map(userIds.map((id) => [id, asError(error)]));
    }
  }
  const result = new Map<string, UserLicenseSnapshot | Error>();
  for (const id of userIds) {
    try {
      result.set(id, await writer.readUser(id));
    } catch (error) {
      result.set(id, asError(error));
    }
  }
  return result;
}

/** Fresh reads of any number of users, `CHUNK` to a round trip. */
export async function readManyUsers(
  writer: DirectoryWriter,
  userIds: readonly string[]
): Promise<Map<string, UserLicenseSnapshot | Error>> {
  const result = new Map<string, UserLicenseSnapshot | Error>();
  for (let start = 0; start < userIds.length; start += CHUNK)
    for (const [id, read] of await readUsers(writer, userIds.slice(start, start + CHUNK)))
      result.set(id, read);
  return result;
}

/**
 * Removals for many users: batched when the writer can, else one by one; a failed call is an Error, one
 * the gate held back a `HeldBackError`.
 */
export async function removeForUsers(
  writer: DirectoryWriter,
  items: readonly { userId: string; skuIds: readonly string[] }[],
  gate: DepartureGate = {}
): Promise<Map<string, Error | null>> {
  if (writer.removeDirectLicensesForUsers) {
    try {
      return await writer.removeDirectLicensesForUsers(items, gate);
    } catch (error) {
      return new Map(items.map((i) => [i.userId, asError(error)]));
    }
  }
  const result = new Map<string, Error | null>();
  for (const { userId, skuIds } of items) {
    if (gate.mayLeave && !gate.mayLeave()) {
      result.set(userId, new HeldBackError());
      continue;
    }
    try {
      await writer.removeDirectLicenses(userId, skuIds, gate);
      result.set(userId, null);
    } catch (error) {
      result.set(userId, asError(error));
    }
  }
  return result;
}
