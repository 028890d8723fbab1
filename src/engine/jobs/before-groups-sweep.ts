import type { UserRead } from '../../domain/directory-answers';
import type { PlannedGroup } from '../../domain/group-plan';
import { countAlongside } from '../count-alongside';
import { slimReadsFromPages } from '../slim-user-reads';
import type { JobDependencies } from './job-dependencies';
import { recordStockPoint } from './take-stock';

export const BEFORE_THE_GROUPS = 'before the groups';

/**
 * One pass over the tenant's pages before any group licenses anyone, for two answers: the picture
 * before the groups (a stock point, recorded before the pass's promise resolves) and fresh reads of
 * every planned member (who still holds the variant directly, for the population). Started by the
 * population's first read, once every group exists (creating them licenses no one, and the pass gives a
 * new group time to replicate before its first member add); every later call answers from the same
 * pass. A pass that fails costs the point (logged, as any stock point's) and its reads: the members are
 * read again. Only what the population judges of each read is kept (slimReads).
 */
export function sweepBeforeGroups(
  deps: Pick<JobDependencies, 'reader' | 'store' | 'now' | 'log'>,
  groups: readonly PlannedGroup[]
): () => Promise<Map<string, UserRead>> {
  let swept: Promise<Map<string, UserRead>> | null = null;
  return () => (swept ??= countAndRead(deps, groups));
}

async function countAndRead(
  deps: Pick<JobDependencies, 'reader' | 'store' | 'now' | 'log'>,
  groups: readonly PlannedGroup[]
): Promise<Map<string, UserRead>> {
  const counting = countAlongside(deps.reader);
  const planned = [...new Set(groups.flatMap((g) => g.userIds))];
  const reads = await slimReadsFromPages(counting.reader, planned);
  await recordStockPoint(deps, BEFORE_THE_GROUPS, counting.counted());
  return reads;
}
