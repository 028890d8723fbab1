import { createHash } from 'node:crypto';
import { removedIntentsOf } from '../domain/done-report';
import { checkRemovedAssignment, type FollowUpFinding } from '../domain/follow-up';
import type { Journal } from '../domain/journal';
import type { StoredWave } from '../domain/migration-record';
import type { DirectoryWriter } from './directory-writer';
import { CHUNK, isNotFound, readUsers } from './execute-wave';
import type { TenantReader } from './tenant-reader';

export interface FollowUpReport {
  /** Removed direct assignments checked. */
  readonly checked: number;
  /** Of them, users no longer in the directory (deleted since: nothing to hold). */
  readonly usersGone: number;
  readonly findings: readonly FollowUpFinding[];
}

/**
 * The follow-up of one wave: a fresh read of every user whose direct assignment it removed (and nothing
 * has put back), checked against what the direct assignment enabled. Reads only; a read Graph cannot
 * answer fails the whole check, which the runner tries again later.
 */
export async function followUpWave(
  wave: StoredWave,
  reader: TenantReader,
  writer: DirectoryWriter,
  journal: Journal
): Promise<FollowUpReport> {
  const targets = removedIntentsOf(await journal.entries(), wave.digest);
  const skus = new Map((await reader.subscribedSkus()).map((s) => [s.skuId.toLowerCase(), s]));
  const groupNames = await reader.licensingGroupNames();
  const byUser = new Map<string, typeof targets>();
  for (const target of targets)
    byUser.set(target.userId, [...(byUser.get(target.userId) ?? []), target]);
  const userIds = [...byUser.keys()];
  const names = new Map(wave.entries.map((e) => [e.userId, e.userPrincipalName]));
  const findings: FollowUpFinding[] = [];
  let usersGone = 0;
  for (let start = 0; start < userIds.length; start += CHUNK) {
    const chunk = userIds.slice(start, start + CHUNK);
    const read = await readUsers(writer, chunk);
    const answer = (userId: string) =>
      read.get(userId) ?? new Error(`Graph gave no answer for user ${userId}.`);
    // Graph unable to answer the whole round trip: the check is tried again later.
    const failures = chunk.map(answer).filter((a) => a instanceof Error && !isNotFound(a));
    if (failures.length === chunk.length) throw failures[0];
    for (const userId of chunk) {
      const snapshot = answer(userId);
      if (snapshot instanceof Error) {
        if (isNotFound(snapshot)) {
          usersGone++;
          continue;
        }
        // One user Graph will not answer for is not taken as clean: a finding, checked again later.
        for (const target of byUser.get(userId) ?? [])
          findings.push({
            intentId: target.id,
            userId,
            userPrincipalName: names.get(userId) ?? userId,
            skuId: target.skuId,
            problem: 'unreadable',
            detail: `could not be read (${snapshot.message}); \`followup ${wave.number}\` checks again.`,
            needsRestore: false,
          });
        continue;
      }
      for (const target of byUser.get(userId) ?? []) {
        const finding = checkRemovedAssignment(
          { ...target, intentId: target.id },
          snapshot,
          skus.get(target.skuId.toLowerCase()),
          groupNames
        );
        if (finding) findings.push(finding);
      }
    }
  }
  return { checked: targets.length, usersGone, findings };
}

/** The digest a restore approval binds to: exactly these removed assignments (their intents). */
export function restoreDigest(intentIds: readonly string[]): string {
  return createHash('sha256')
    .update([...intentIds].sort().join('\n'))
    .digest('hex');
}
