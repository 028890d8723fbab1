import type { LicenseChangeEvent } from '../domain/automation';
import {
  reassignedAfterWaves,
  type ReassignmentWarning,
  type RemovedAssignment,
  type WaveTally,
} from '../domain/done-report';
import { InventoryTally, type Inventory } from '../domain/inventory';
import { CompactUserIds, type UserIds } from '../domain/user-id-set';
import type { Journal } from './ports/journal';
import type { UserLicenseSnapshot } from '../domain/licenses';
import { errorText } from '../error-text';
import type { TenantReader } from './ports/tenant-reader';
import { holdsAnyDirectly } from '../domain/direct-assignment';

export interface DoneReport {
  /** How every SKU is held now: direct only, inherited only, both. */
  readonly inventory: Inventory;
  readonly waves: readonly WaveTally[];
  /** Direct assignments removed in a wave that are direct again. */
  readonly reassigned: readonly ReassignmentWarning[];
  readonly auditLogProblem: string | null;
}

/** One pass over every user: how each SKU is held, and who holds something directly again. */
export interface LicenseCount {
  readonly inventory: Inventory;
  /** Users a wave removed a direct assignment from who hold one directly again, by lower-case id. */
  readonly directAgain: ReadonlyMap<string, UserLicenseSnapshot>;
  /** Enabled users in none of `waveUserIds` holding a direct license: joiners, if the automation did it. */
  readonly outsideWaves: readonly UserLicenseSnapshot[];
}

/**
 * Counts the tenant's licenses in one pass, keeping only the users a warning names: at scale, not
 * 100,000 snapshots. `waveUserIds` (lower-case) asks for the enabled direct holders in no wave.
 */
export async function countLicenses(
  reader: TenantReader,
  /** Users (lower-case ids) a wave removed a direct assignment from. */
  removedUsers: UserIds,
  waveUserIds: UserIds | null = null
): Promise<LicenseCount> {
  const tally = new InventoryTally(await reader.subscribedSkus());
  const directAgain = new Map<string, UserLicenseSnapshot>();
  const outsideWaves: UserLicenseSnapshot[] = [];
  await reader.forEachUser((user) => {
    tally.add(user);
    const id = user.id.toLowerCase();
    if (removedUsers.has(id) && holdsAnyDirectly(user)) directAgain.set(id, user);
    if (waveUserIds && user.accountEnabled && !waveUserIds.has(id) && holdsAnyDirectly(user))
      outsideWaves.push(user);
  });
  return { inventory: tally.result(), directAgain, outsideWaves };
}

/** The audit log's license changes since `from`; without it, warnings stand but cannot name who did it. */
export async function licenseEventsSince(
  reader: TenantReader,
  from: string
): Promise<{ events: readonly LicenseChangeEvent[]; problem: string | null }> {
  try {
    return { events: await reader.licenseChangeEvents(new Date(from)), problem: null };
  } catch (error) {
    return {
      events: [],
      problem: `The audit log could not be read (${errorText(error)}); direct assignments made again are listed without who made them.`,
    };
  }
}

/**
 * Phase 8: the report at the end, from one read of the tenant, the journal and the audit log since the
 * first removal. Changes nothing.
 */
export async function buildDoneReport(
  reader: TenantReader,
  journal: Journal,
  options: { ignoreActors?: readonly string[] } = {}
): Promise<DoneReport> {
  const removed = await removedAssignmentsIn(journal);
  const count = await countLicenses(reader, new Set(removed.map((r) => r.userId.toLowerCase())));
  const firstRemoval = removed.reduce<string | null>(
    (first, r) => (first === null || r.removedAt < first ? r.removedAt : first),
    null
  );
  const audit =
    firstRemoval === null
      ? { events: [], problem: null }
      : await licenseEventsSince(reader, firstRemoval);
  return {
    inventory: count.inventory,
    waves: (await journal.summary()).waveTallies(),
    reassigned: reassignedAfterWaves(
      removed,
      count.directAgain,
      audit.events,
      options.ignoreActors
    ),
    auditLogProblem: audit.problem,
  };
}

/**
 * The direct assignments the waves removed and nothing put back, in journal order, read an entry at a
 * time: the summary says which intents stand at "removed", the read says whose and since when.
 */
export async function removedAssignmentsIn(
  journal: Pick<Journal, 'summary' | 'forEachEntry'>
): Promise<RemovedAssignment[]> {
  return [...(await removedIntentsIn(journal)).values()];
}

/**
 * The same, by removal intent id: whether each still stands can be asked of the summary later. `only`
 * keeps the users it holds for (a lower-case id): after a wave, the few a read found holding a license
 * directly again, not every removal of every wave (~300 bytes each).
 */
export async function removedIntentsIn(
  journal: Pick<Journal, 'summary' | 'forEachEntry'>,
  only: (userId: string) => boolean = () => true
): Promise<Map<string, RemovedAssignment>> {
  const summary = await journal.summary();
  const removed = new Map<
    string,
    { -readonly [K in keyof RemovedAssignment]: RemovedAssignment[K] }
  >();
  await journal.forEachEntry((e) => {
    if (
      e.kind === 'removal-intended' &&
      summary.latestOutcomeOf(e.id) === 'removed' &&
      only(e.userId.toLowerCase())
    )
      removed.set(e.id, {
        userId: e.userId,
        skuId: e.skuId,
        waveNumber: e.waveNumber,
        removedAt: '',
      });
    const intent =
      e.kind === 'removal-outcome' && e.outcome === 'removed' ? removed.get(e.intentId) : undefined;
    if (intent && e.kind === 'removal-outcome') intent.removedAt = e.at;
  });
  for (const [id, r] of removed) if (r.removedAt === '') removed.delete(id);
  return removed;
}

/** What an after-wave read needs of every removal: whose, and how many the bot made since `from`. */
export interface RemovalsAtLarge {
  /** Users (lower-case ids) a wave up to `throughWave` removed a still-removed assignment from. */
  readonly users: UserIds;
  /** Removals journaled at or after `from` (any wave): the bot's own changes in the audit log since. */
  readonly madeSince: number;
}

/** One pass over the journal for `RemovalsAtLarge`, keeping a user id each, not each removal. */
export async function removalsAtLarge(
  journal: Pick<Journal, 'summary' | 'forEachEntry'>,
  throughWave: number | null,
  from: string
): Promise<RemovalsAtLarge> {
  const summary = await journal.summary();
  const users = new CompactUserIds();
  let madeSince = 0;
  await journal.forEachEntry((e) => {
    if (
      e.kind === 'removal-intended' &&
      (throughWave === null || e.waveNumber <= throughWave) &&
      summary.latestOutcomeOf(e.id) === 'removed'
    )
      users.add(e.userId);
    if (e.kind === 'removal-outcome' && e.outcome === 'removed' && e.at >= from) madeSince += 1;
  });
  return { users, madeSince };
}
