import type {
  DirectoryFailure,
  LeaseLost,
  RemovalAnswer,
  UserRead,
} from '../domain/directory-answers';
import { manyUserReadWay } from '../domain/many-user-reads';
import { errorText } from '../error-text';
import { USERS_PER_PAGE, readUsersFromPages } from './paged-user-reads';
import type { DepartureGate, DirectoryWriter } from './ports/directory-writer';
import type { TenantReader } from './ports/tenant-reader';
import { isLeaseLost } from './ports/write-fence';

/** Users per round trip: Graph's JSON batch limit. */
export const CHUNK = 20;

/**
 * A call that threw instead of answering (a writer that is not the Graph adapter, a process stopping):
 * nothing is known of the directory's answer, so it may go otherwise when asked again.
 */
function thrown(error: unknown): DirectoryFailure {
  return { kind: 'failed', reason: errorText(error), transient: true };
}

/** Fresh reads of many users: batched when the writer can, else one by one. */
export async function readUsers(
  writer: DirectoryWriter,
  userIds: readonly string[]
): Promise<Map<string, UserRead>> {
  if (userIds.length === 0) return new Map();
  if (writer.readUsers) {
    try {
      return await writer.readUsers(userIds);
    } catch (error) {
      return new Map(userIds.map((id) => [id, thrown(error)]));
    }
  }
  const result = new Map<string, UserRead>();
  for (const id of userIds) {
    try {
      result.set(id, await writer.readUser(id));
    } catch (error) {
      result.set(id, thrown(error));
    }
  }
  return result;
}

/**
 * Round trips of reads kept in flight at once. A `$batch` answers in its slowest item's time (~0.2-0.3 s),
 * so one at a time leaves Graph idle; eight keep 160 reads in flight, ~500 reads/s (a read of one user
 * with `$select` costs one resource unit): 5,000 of the directory's 8,000 resource units per 10 s, the
 * rest left for a wave's own reads beside them (~75/s at the write ceiling). Nothing here is a write.
 */
export const READS_IN_FLIGHT = 8;

/**
 * `work` over `ids` in `CHUNK`-sized pieces, up to READS_IN_FLIGHT at a time; the results in the
 * pieces' order, whatever order they finish in.
 */
export async function inReadChunks<T>(
  ids: readonly string[],
  work: (chunk: readonly string[]) => Promise<T>
): Promise<T[]> {
  const chunks: (readonly string[])[] = [];
  for (let start = 0; start < ids.length; start += CHUNK)
    chunks.push(ids.slice(start, start + CHUNK));
  const results: T[] = new Array<T>(chunks.length);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++;
      results[index] = await work(chunks[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, chunks.length) }, worker));
  return results;
}

/**
 * A full page of users (999, with their licenses) answers in about the time of three rounds of 20-read
 * batches: ~1.2 s against ~0.33 s (docs/simulator.md, "Latency").
 */
const ROUNDS_PER_PAGE = 3;

/** The tenant's list, to read many users from when that costs fewer round trips. */
export interface TenantPages {
  readonly reader: TenantReader;
  /** Users in the tenant as last counted; null when unknown (then every read is per user). */
  readonly tenantUsers: number | null;
}

/** Whether reading these users from the tenant's pages takes fewer round trips than reading each. */
export const readsByPages = (userCount: number, pages: TenantPages | undefined): boolean =>
  pages !== undefined &&
  manyUserReadWay(userCount, pages.tenantUsers, {
    usersPerRoundTrip: CHUNK,
    roundTripsInFlight: READS_IN_FLIGHT,
    usersPerPage: USERS_PER_PAGE,
    roundsPerPage: ROUNDS_PER_PAGE,
  }) === 'pages';

/**
 * Fresh reads of any number of users: `CHUNK` to a round trip, several round trips at once, or from the
 * tenant's pages when `pages` is given and that costs fewer round trips.
 */
export async function readManyUsers(
  writer: DirectoryWriter,
  userIds: readonly string[],
  pages?: TenantPages
): Promise<Map<string, UserRead>> {
  if (pages && readsByPages(userIds.length, pages))
    return readUsersFromPages(pages.reader, userIds);
  const result = new Map<string, UserRead>();
  for (const reads of await inReadChunks(userIds, (chunk) => readUsers(writer, chunk)))
    for (const [id, read] of reads) result.set(id, read);
  return result;
}

/** What a write that threw rather than answered became: not sent if the fence stopped it. */
export const writeThrown = (error: unknown): LeaseLost | DirectoryFailure =>
  isLeaseLost(error) ? { kind: 'lease-lost', reason: errorText(error) } : thrown(error);

/** Removals for many users: batched when the writer can, else one by one. */
export async function removeForUsers(
  writer: DirectoryWriter,
  items: readonly { userId: string; skuIds: readonly string[] }[],
  gate: DepartureGate = {}
): Promise<Map<string, RemovalAnswer>> {
  if (writer.removeDirectLicensesForUsers) {
    try {
      return await writer.removeDirectLicensesForUsers(items, gate);
    } catch (error) {
      return new Map(items.map((i) => [i.userId, writeThrown(error)]));
    }
  }
  const result = new Map<string, RemovalAnswer>();
  for (const { userId, skuIds } of items) {
    if (gate.mayLeave && !gate.mayLeave()) {
      result.set(userId, { kind: 'held-back' });
      continue;
    }
    try {
      result.set(userId, await writer.removeDirectLicenses(userId, skuIds, gate));
    } catch (error) {
      result.set(userId, writeThrown(error));
    }
  }
  return result;
}
