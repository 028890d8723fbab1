import { randomUUID } from 'node:crypto';
import {
  checkRemovedAssignment,
  type FollowUpFinding,
  type FollowUpTarget,
} from '../domain/follow-up';
import type { JournalEntry } from '../domain/journal';
import type { Journal } from './ports/journal';
import { noAnswer, type DirectoryFailure, type UserRead } from '../domain/directory-answers';
import type { SkuSnapshot, UserLicenseSnapshot } from '../domain/licenses';
import { productName } from '../domain/product-names';
import type { AssignState } from '../domain/migration-record';
import {
  dynamicLicensingGroups,
  ruleDriftFinding,
  type DynamicLicensingGroup,
} from '../domain/rule-drift';
import { isPastLag, showsDirectRemovalOf } from '../domain/read-freshness';
import type { StoredWave } from '../domain/migration-record';
import { WaveRemovalsFold } from '../domain/wave-removals-fold';
import type { DirectoryWriter } from './ports/directory-writer';
import { inReadChunks, readUsers, readsByPages } from './directory-calls';
import { visitUsersFromPages } from './paged-user-reads';
import { readBackOf, readUntilFresh, type ReadBackOptions } from './read-until-fresh';
import type { TenantReader } from './ports/tenant-reader';

export interface FollowUpReport {
  /** Removed direct assignments checked. */
  readonly checked: number;
  /** Of them, users no longer in the directory (deleted since: nothing to hold). */
  readonly usersGone: number;
  readonly findings: readonly FollowUpFinding[];
}

/**
 * The follow-up of one wave: a fresh read of every user whose direct assignment it removed (and nothing
 * has put back), made once the lag bound has passed since the check began, checked against what the
 * direct assignment enabled. A user something seems missing
 * for is read again until a read shows nothing missing or the lag bound has passed since the first:
 * a lagging replica's view never becomes a finding. Removals the wave left "unknown, re-checking" are
 * settled first, from reads past the lag. Changes nothing in the directory; a read Graph cannot answer
 * fails the whole check, which the runner tries again later.
 */
export async function followUpWave(
  wave: StoredWave,
  reader: TenantReader,
  writer: DirectoryWriter,
  journal: Journal,
  options: {
    readonly readBack?: ReadBackOptions;
    /** Its dynamic groups: a user who no longer matches the rule of their only one is warned of. */
    readonly assign?: AssignState | null;
    /** Users in the tenant as last counted: many users are read from its pages when cheaper. */
    readonly tenantUsers?: number | null;
    /**
     * The names of these users, from the wave's contents: asked only for users Graph could not read
     * (a big wave's contents are not held through the check). From `wave.entries` when not given.
     */
    readonly namesOf?: (userIds: ReadonlySet<string>) => Promise<ReadonlyMap<string, string>>;
  } = {}
): Promise<FollowUpReport> {
  await settleUnknown(wave, writer, journal, options.readBack);
  const byUser = await removalsByUser(journal, wave.digest);
  const skus = new Map((await reader.subscribedSkus()).map((s) => [s.skuId.toLowerCase(), s]));
  const groupNames = await reader.licensingGroupNames();
  const userIds = [...byUser.keys()];
  const check: UserCheck = {
    wave,
    byUser,
    findingsOf: findingsCheck(byUser, skus, groupNames, dynamicLicensingGroups(options.assign)),
  };
  const findings: FollowUpFinding[] = [];
  let usersGone = 0;
  // A clean read proves nothing until the lag has passed: a replica behind a change made just before
  // the check (a group's disabled plans) still shows the user whole. Waiting the bound first, every
  // read reflects whatever changed before the check began.
  const { lagBoundMs, sleep } = readBackOf(options.readBack);
  if (userIds.length > 0) await sleep(lagBoundMs);
  // Most of the tenant: one sweep of its pages reads them in fewer round trips; re-reads stay per user.
  const pages = { reader, tenantUsers: options.tenantUsers ?? null };
  const paged = readsByPages(userIds.length, pages)
    ? await suspectsFromPages(reader, userIds, check.findingsOf)
    : null;
  for (const checked of await inReadChunks(userIds, (chunk) =>
    checkChunk(chunk, writer, check, options.readBack, paged)
  )) {
    usersGone += checked.usersGone;
    findings.push(...checked.findings);
  }
  let checked = 0;
  for (const targets of byUser.values()) checked += targets.length;
  return { checked, usersGone, findings: await named(findings, options.namesOf ?? namesIn(wave)) };
}

type FindingsOf = (userId: string, snapshot: UserLicenseSnapshot) => FollowUpFinding[];

/** What checking one user needs: the wave, its removals by user, their names, and the check itself. */
interface UserCheck {
  readonly wave: StoredWave;
  readonly byUser: ReadonlyMap<string, readonly FollowUpTarget[]>;
  readonly findingsOf: FindingsOf;
}

/**
 * The wave's removals grouped by user, in the order their users first appear, folded as the journal is
 * read: a big wave's entries are not all held at once.
 */
async function removalsByUser(
  journal: Journal,
  waveDigest: string
): Promise<Map<string, FollowUpTarget[]>> {
  const fold = new WaveRemovalsFold(waveDigest);
  await journal.forEachEntry((entry) => fold.add(entry));
  return fold.byUser();
}

/** The users' names from the wave's contents in hand (none: their ids stand). */
const namesIn =
  (wave: StoredWave) =>
  async (userIds: ReadonlySet<string>): Promise<ReadonlyMap<string, string>> =>
    new Map(
      (wave.entries ?? []).flatMap((e) =>
        userIds.has(e.userId) ? [[e.userId, e.userPrincipalName] as const] : []
      )
    );

/** Users Graph could not read named, from the wave's contents: other findings name them from a read. */
async function named(
  findings: FollowUpFinding[],
  namesOf: (userIds: ReadonlySet<string>) => Promise<ReadonlyMap<string, string>>
): Promise<FollowUpFinding[]> {
  const unread = new Set(findings.filter((f) => f.problem === 'unreadable').map((f) => f.userId));
  if (unread.size === 0) return findings;
  const names = await namesOf(unread);
  return findings.map((f) =>
    f.problem === 'unreadable' ? { ...f, userPrincipalName: names.get(f.userId) ?? f.userId } : f
  );
}

/** The findings for one user's read: a missing plan first, else a dynamic rule they left. */
function findingsCheck(
  byUser: ReadonlyMap<string, readonly FollowUpTarget[]>,
  skus: ReadonlyMap<string, SkuSnapshot>,
  groupNames: ReadonlyMap<string, string>,
  dynamicGroups: readonly DynamicLicensingGroup[]
): FindingsOf {
  return (userId, snapshot) =>
    (byUser.get(userId) ?? []).flatMap((target) => {
      const sku = skus.get(target.skuId.toLowerCase());
      const finding =
        checkRemovedAssignment(target, snapshot, sku, groupNames) ??
        ruleDriftFinding(
          target,
          snapshot,
          dynamicGroups,
          sku ? productName(sku.skuPartNumber) : target.skuId
        );
      return finding ? [finding] : [];
    });
}

/**
 * The users of the tenant's pages whose read is not clean (something missing, not found, failed), with
 * that read; a clean read is checked as it comes and dropped, so a big wave's reads are not all held.
 */
async function suspectsFromPages(
  reader: TenantReader,
  userIds: readonly string[],
  findingsOf: FindingsOf
): Promise<Map<string, UserRead>> {
  const suspects = new Map<string, UserRead>();
  await visitUsersFromPages(reader, userIds, (userId, read) => {
    if (read.kind !== 'read' || findingsOf(userId, read.user).length > 0)
      suspects.set(userId, read);
  });
  return suspects;
}

/**
 * One chunk of users read (again while something seems missing and the lag may explain it) and
 * checked; first read from `suspects` when the tenant's pages were read (a user not among them read
 * clean). Graph unable to answer for any of them fails the whole check, tried again later.
 */
async function checkChunk(
  chunk: readonly string[],
  writer: DirectoryWriter,
  check: UserCheck,
  readBack: ReadBackOptions | undefined,
  suspects: ReadonlyMap<string, UserRead> | null
): Promise<{ usersGone: number; findings: FollowUpFinding[] }> {
  const checked = suspects ? chunk.filter((userId) => suspects.has(userId)) : chunk;
  const first = suspects
    ? new Map(checked.map((userId) => [userId, suspects.get(userId) ?? noAnswer()]))
    : await readUsers(writer, chunk);
  // Graph unable to answer the whole round trip: the check is tried again later.
  const failures = checked
    .map((userId) => first.get(userId) ?? noAnswer())
    .filter((a) => a.kind === 'failed');
  if (failures.length === chunk.length) throw new Error(failures[0].reason);
  const read = await readUntilFresh(
    (ids) => readUsers(writer, ids),
    first,
    (userId, snapshot) => check.findingsOf(userId, snapshot).length === 0,
    readBack
  );
  const answer = (userId: string) =>
    read.get(userId) ?? noAnswer(`Graph gave no answer for user ${userId}.`);
  const findings: FollowUpFinding[] = [];
  let usersGone = 0;
  for (const userId of checked) {
    const snapshot = answer(userId);
    if (snapshot.kind === 'not-found') {
      usersGone++;
      continue;
    }
    if (snapshot.kind === 'failed') {
      findings.push(...unreadableFindings(userId, snapshot, check));
      continue;
    }
    findings.push(...check.findingsOf(userId, snapshot.user));
  }
  return { usersGone, findings };
}

/** One user Graph will not answer for is not taken as clean: a finding, checked again later. */
function unreadableFindings(
  userId: string,
  error: DirectoryFailure,
  check: UserCheck
): FollowUpFinding[] {
  return (check.byUser.get(userId) ?? []).map((target): FollowUpFinding => ({
    intentId: target.intentId,
    userId,
    // Named once the check is done, from the wave's contents.
    userPrincipalName: userId,
    skuId: target.skuId,
    problem: 'unreadable',
    detail: `could not be read (${error.reason}); \`followup ${check.wave.number}\` checks again.`,
    needsRestore: false,
  }));
}

/**
 * The wave's removals journaled "unknown, re-checking" (sent, read back stale, then the wave stopped):
 * removed once a read shows it; still direct in a read past the lag bound, not removed. A user Graph
 * cannot read stays unknown, for the next check.
 */
async function settleUnknown(
  wave: StoredWave,
  writer: DirectoryWriter,
  journal: Journal,
  readBack: ReadBackOptions = {}
): Promise<void> {
  const unsure = (await journal.summary()).inFlight(wave.digest).filter((f) => f.unknownAt);
  const unknownAt = new Map(unsure.map((f) => [f.intent.id, f.unknownAt ?? '']));
  const unknown = unsure.map((f) => f.intent);
  if (unknown.length === 0) return;
  const { lagBoundMs, now } = readBackOf(readBack);
  const sentBy = (intentId: string) => unknownAt.get(intentId) ?? '';
  const reads = await readUntilFresh(
    (ids) => readUsers(writer, ids),
    await readUsers(writer, [...new Set(unknown.map((i) => i.userId))]),
    (userId, snapshot) =>
      unknown
        .filter((i) => i.userId === userId)
        .every(
          (i) =>
            showsDirectRemovalOf(snapshot, i.skuId) || isPastLag(sentBy(i.id), now(), lagBoundMs)
        ),
    readBack
  );
  const settled: JournalEntry[] = [];
  for (const intent of unknown) {
    const read = reads.get(intent.userId);
    if (read?.kind !== 'read') continue;
    const removed = showsDirectRemovalOf(read.user, intent.skuId);
    if (!removed && !isPastLag(sentBy(intent.id), now(), lagBoundMs)) continue;
    settled.push({
      kind: 'removal-outcome',
      id: randomUUID(),
      at: now().toISOString(),
      intentId: intent.id,
      outcome: removed ? 'removed' : 'failed',
      reason: removed
        ? 'Removed (settled by the follow-up from a read that shows it).'
        : 'Not removed: a read past the replication lag still shows the direct assignment.',
    });
  }
  if (settled.length === 0) return;
  if (journal.appendMany) await journal.appendMany(settled);
  else for (const entry of settled) await journal.append(entry);
}
