import { findLicenseAutomation, type LicenseChangeEvent } from '../../domain/automation';
import { reassignedAfterWaves } from '../../domain/done-report';
import { joinersSinceWaves } from '../../domain/joiners';
import { withCountedPoint } from '../../domain/progress-point';
import { wavesFrozenAt } from '../../domain/waves-frozen';
import { errorText } from '../../error-text';
import { afterWaveEvents } from '../after-wave-events';
import { countLicenses, removedAssignmentsIn, type LicenseCount } from '../done-report';
import { updateRecord } from '../update-record';
import { userIdsIn } from '../wave-contents';
import type { JobDependencies } from './job-dependencies';

type StockDependencies = Pick<
  JobDependencies,
  'reader' | 'journal' | 'store' | 'waveContents' | 'notifier' | 'now' | 'log'
>;

/**
 * One pass over every user after a step: how each SKU is held now (a point of the picture over time)
 * and, after a wave (`waveStartedAt`), the old automation assigning directly again to users a wave
 * removed it from, or licensing joiners in no wave. Never throws: a failure costs only the point and the
 * warning, not the step.
 */
export async function takeStock(
  deps: StockDependencies,
  label: string,
  waveStartedAt: string | null = null
): Promise<void> {
  try {
    await countAndWarn(deps, label, waveStartedAt);
  } catch (error) {
    deps.log(
      `Could not count the licenses or look for the old automation (${label}): ${errorText(error)}`
    );
  }
}

async function countAndWarn(
  deps: StockDependencies,
  label: string,
  since: string | null
): Promise<void> {
  const removed = since ? await removedAssignmentsIn(deps.journal) : [];
  // The old automation keeps running: enabled users holding a direct license no wave has are
  // joiners, if the audit log says the automation licensed them since the waves were frozen.
  const { record: before } = await deps.store.read();
  const frozenAt = since ? wavesFrozenAt(before) : null;
  // Every wave's contents, read after a wave only (never by `status`): who is in no wave.
  const inWaves = frozenAt ? await userIdsIn(deps.waveContents, before.waves) : new Set<string>();
  const count = await countLicenses(deps.reader, removed, frozenAt ? inWaves : null);
  await updateRecord(deps.store, (record) => ({
    record: withCountedPoint(record, label, deps.now(), count.inventory),
    result: undefined,
  }));
  if (!since) return;
  // One read of the audit log serves both warnings: from when the waves were frozen.
  const events = await warningEvents(deps, count, frozenAt && frozenAt < since ? frozenAt : since);
  const reassigned = reassignedAfterWaves(count.removed, count.directAgain, events);
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
  from: string
): Promise<LicenseChangeEvent[]> {
  try {
    return await afterWaveEvents(deps.reader, {
      userIds: [...count.directAgain.values(), ...count.outsideWaves].map((u) => u.id),
      since: new Date(from),
      ownChangesSince: count.removed.filter((r) => r.removedAt >= from).length,
    });
  } catch {
    return [];
  }
}
