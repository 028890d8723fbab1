import type { Inventory } from '../../domain/inventory';
import { findLicenseAutomation, type LicenseChangeEvent } from '../../domain/automation';
import { reassignedAfterWaves, type RemovedAssignment } from '../../domain/done-report';
import { joinersSinceWaves } from '../../domain/joiners';
import { withCountedPoint } from '../../domain/progress-point';
import { wavesFrozenAt } from '../../domain/waves-frozen';
import { errorText } from '../../error-text';
import { afterWaveEvents } from '../after-wave-events';
import type { StockRequest } from '../../domain/stock-requests';
import {
  countLicenses,
  removalsAtLarge,
  removedIntentsIn,
  type LicenseCount,
} from '../done-report';
import type { Journal } from '../ports/journal';
import { updateRecord } from '../update-record';
import { userIdsIn } from '../wave-contents';
import type { JobDependencies } from './job-dependencies';

type StockDependencies = Pick<
  JobDependencies,
  'reader' | 'journal' | 'store' | 'waveContents' | 'notifier' | 'now' | 'log'
>;

/**
 * Stock taken after a step: beside the runner's next work when the runner takes it (`takeStockBeside`),
 * else now.
 */
export async function takeStockAfter(
  deps: StockDependencies & Pick<JobDependencies, 'takeStockBeside'>,
  request: StockRequest
): Promise<void> {
  if (deps.takeStockBeside) deps.takeStockBeside(request);
  else await takeStock(deps, request);
}

/**
 * One pass over every user after a step: how each SKU is held now (a point of the picture over time)
 * and, after a wave (`since`), the old automation assigning directly again to users a wave removed it
 * from, or licensing joiners in no wave. Never throws: a failure costs only the point and the warning,
 * not the step. `gaveBackBeside` says, once the read is done, whether a restore or rollback ran beside
 * it: then the users it found assigned directly again may be the bot's own put-backs, and that warning
 * is dropped (the next read after a wave makes it if it is the automation's).
 */
export async function takeStock(
  deps: StockDependencies,
  request: StockRequest,
  gaveBackBeside: () => boolean = () => false
): Promise<void> {
  const { label, since, throughWave } = request;
  try {
    await countAndWarn(deps, { label, since, throughWave }, gaveBackBeside);
  } catch (error) {
    deps.log(
      `Could not count the licenses or look for the old automation (${label}): ${errorText(error)}`
    );
  }
}

/**
 * A stock point with no wave to look behind (`since` null), counted by another read's pass over the
 * users (see countAlongside): the same point as `takeStock`'s without a pass of its own. Never throws:
 * a pass that did not finish (`counted` null) or a failed write costs only the point.
 */
export async function recordStockPoint(
  deps: Pick<StockDependencies, 'store' | 'now' | 'log'>,
  label: string,
  counted: Inventory | null
): Promise<void> {
  try {
    if (!counted) throw new Error('the read of every user did not finish');
    await updateRecord(deps.store, (record) => ({
      record: withCountedPoint(record, label, deps.now(), counted),
      result: undefined,
    }));
  } catch (error) {
    deps.log(`Could not count the licenses (${label}): ${errorText(error)}`);
  }
}

async function countAndWarn(
  deps: StockDependencies,
  { label, since, throughWave }: StockRequest,
  gaveBackBeside: () => boolean
): Promise<void> {
  // The old automation keeps running: enabled users holding a direct license no wave has are
  // joiners, if the audit log says the automation licensed them since the waves were frozen.
  const { record: before } = await deps.store.read();
  const frozenAt = since ? wavesFrozenAt(before) : null;
  // One read of the audit log serves both warnings: from when the waves were frozen.
  const from = since && frozenAt && frozenAt < since ? frozenAt : since;
  // Only up to its wave: a later wave removing beside this read reports its own removals. Whose
  // removals, not each removal: the read looks for those users holding a license directly again.
  const removals = from
    ? await removalsAtLarge(deps.journal, throughWave, from)
    : { users: new Set<string>(), madeSince: 0 };
  // Every wave's contents, read after a wave only (never by `status`): who is in no wave.
  const inWaves = frozenAt ? await userIdsIn(deps.waveContents, before.waves) : new Set<string>();
  const count = await countLicenses(deps.reader, removals.users, frozenAt ? inWaves : null);
  await updateRecord(deps.store, (record) => ({
    record: withCountedPoint(record, label, deps.now(), count.inventory),
    result: undefined,
  }));
  if (!from) return;
  const events = await warningEvents(deps, count, from, removals.madeSince);
  // The removals of the few users found holding a license directly again, and which still stand.
  const removedById = await removedIntentsIn(deps.journal, (userId) =>
    count.directAgain.has(userId)
  );
  const removed = [...removedById.values()].filter(
    (r) => throughWave === null || r.waveNumber <= throughWave
  );
  const stillRemoved = await standingRemovals(deps.journal, removedById, removed);
  const reassigned = gaveBackBeside()
    ? []
    : reassignedAfterWaves(stillRemoved, count.directAgain, events);
  const joiners = frozenAt
    ? joinersSinceWaves(count.outsideWaves, inWaves, events, frozenAt)
    : { count: 0, actors: [], sample: [] };
  if (reassigned.length > 0 || joiners.count > 0)
    await deps.notifier.notify({
      kind: 'automation-still-running',
      findings: findLicenseAutomation(events),
      reassigned,
      joiners,
    });
}

/**
 * The audit log's license changes since `from`, about the users a warning may name (or the whole log,
 * whichever is cheaper). Without it the warnings still stand; they just cannot name who did it.
 */
async function warningEvents(
  deps: StockDependencies,
  count: LicenseCount,
  from: string,
  ownChangesSince: number
): Promise<LicenseChangeEvent[]> {
  try {
    return await afterWaveEvents(deps.reader, {
      userIds: [...count.directAgain.values(), ...count.outsideWaves].map((u) => u.id),
      since: new Date(from),
      ownChangesSince,
    });
  } catch {
    return [];
  }
}

/**
 * Of the removals the read began with, those the journal still says are removed now that it is done:
 * a direct assignment the bot put back while the read ran (a give-back, or another instance's) shows
 * as direct again and is not the old automation's doing. A give-back journals each put-back just after
 * Graph answers it, so one sent in the read's last moments may not be journaled yet: a read that this
 * runner's give-back ran beside drops the warning for that reason; this covers the rest (another
 * instance).
 */
async function standingRemovals(
  journal: Pick<Journal, 'summary'>,
  byIntent: ReadonlyMap<string, RemovedAssignment>,
  removed: readonly RemovedAssignment[]
): Promise<RemovedAssignment[]> {
  const summary = await journal.summary();
  const kept = new Set(removed);
  return [...byIntent].flatMap(([id, r]) =>
    kept.has(r) && summary.latestOutcomeOf(id) === 'removed' ? [r] : []
  );
}
