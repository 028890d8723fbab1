import type { UserRead } from '../../domain/directory-answers';
import type { PlannedGroup } from '../../domain/group-plan';
import { lastCountedUsers } from '../../domain/progress-point';
import { readManyUsers, readsByPages } from '../directory-calls';
import { slimReadsFromPages } from '../slim-user-reads';
import type { JobDependencies } from './job-dependencies';

/**
 * Fresh reads of the members about to be added, asked group after group. The first group read from the
 * tenant's pages (most of the tenant) keeps, from that one sweep, every planned member of every group:
 * later groups are answered from it rather than sweeping the tenant again (their reads are minutes old
 * at most, against a plan that may be days old). What is kept of a read is what the audience judges
 * (slimReads): the whole tenant's members cost little more than their ids. Answers that failed are not
 * kept: asked again, they are read again. The tenant's size is the last count's. `sweptBefore` (the
 * sweep before the groups, see sweepBeforeGroups), started by the first read, answers first: every read
 * waits for it, so nothing is added before it is done.
 */
export function populationReads(
  deps: Pick<JobDependencies, 'reader' | 'directoryWriter' | 'store'>,
  groups: readonly PlannedGroup[],
  sweptBefore?: () => Promise<ReadonlyMap<string, UserRead>>
): (userIds: readonly string[]) => Promise<Map<string, UserRead>> {
  const swept = new Map<string, UserRead>();
  const keep = (reads: ReadonlyMap<string, UserRead>) => {
    for (const [id, read] of reads) if (read.kind !== 'failed') swept.set(id, read);
  };
  let seeded: Promise<void> | undefined;
  return async (userIds) => {
    await (seeded ??= sweptBefore?.().then(keep));
    if (userIds.every((id) => swept.has(id)))
      return new Map(userIds.map((id) => [id, swept.get(id) as UserRead]));
    const pages = {
      reader: deps.reader,
      tenantUsers: lastCountedUsers((await deps.store.read()).record),
    };
    if (!readsByPages(userIds.length, pages)) return readManyUsers(deps.directoryWriter, userIds);
    const everyone = new Set([...groups.flatMap((g) => g.userIds), ...userIds]);
    const reads = await slimReadsFromPages(deps.reader, [...everyone]);
    keep(reads);
    return new Map(userIds.map((id) => [id, reads.get(id) as UserRead]));
  };
}
