/**
 * Pause, resume and "check this wave again now": when each is allowed and what the record becomes.
 * Pure: a refusal is a sentence saying why and what to do; otherwise the next record.
 */

import type { Person } from './approvals';
import { utc } from './follow-up';
import {
  describeWaveStatus,
  openGiveBacks,
  withWave,
  type MigrationRecord,
} from './migration-record';
import { supersede } from './sign-off-requests';

/** A control turned down (nothing changes), or the record it makes. */
export type ControlOutcome =
  { readonly refused: string } | { readonly refused?: undefined; readonly record: MigrationRecord };

const refuse = (refused: string): ControlOutcome => ({ refused });

/** `pause`: the running wave stops after the users in hand, and nothing starts until `resume`. */
export function paused(record: MigrationRecord, by: Person, at: Date): ControlOutcome {
  if (record.paused)
    return refuse(`Already paused by ${record.paused.by.name} at ${record.paused.at}.`);
  if (
    !record.waves.some((w) =>
      ['approved', 'running', 'awaiting-approval', 'proposed'].includes(w.status)
    ) &&
    openGiveBacks(record).length === 0
  )
    return refuse('No wave, rollback or restore is running or waiting: there is nothing to pause.');
  return { record: { ...record, paused: { by, at: at.toISOString() } } };
}

/** `resume`: paused waves are released again. */
export function resumed(record: MigrationRecord): ControlOutcome {
  if (!record.paused) return refuse('Nothing is paused.');
  return {
    record: {
      ...record,
      paused: null,
      waves: record.waves.map((w) => (w.status === 'paused' ? { ...w, status: 'approved' } : w)),
    },
  };
}

/**
 * `followup N`: wave N's users are checked again now (after fixing what its follow-up found). A pending
 * restore is superseded by the new check, which asks for its own in the name of `by`.
 */
export function followUpAgain(
  record: MigrationRecord,
  waveNumber: number,
  by: Person,
  now: Date
): ControlOutcome {
  const wave = record.waves.find((w) => w.number === waveNumber);
  if (!wave) return refuse(`There is no wave ${waveNumber}.`);
  if (!wave.followUp || !['completed', 'stopped'].includes(wave.status))
    return refuse(
      `Wave ${waveNumber} is ${describeWaveStatus(wave.status)}: a follow-up checks a wave that has removed something.`
    );
  const followUp = wave.followUp;
  // The soak period is what lets problems show: it is not cut short (an approver may override).
  if (followUp.status === 'waiting')
    return refuse(
      Date.parse(followUp.dueAt) <= now.getTime()
        ? `Wave ${waveNumber}'s follow-up is running now; its result goes to the channel.`
        : `Wave ${waveNumber}'s follow-up is due at ${utc(followUp.dueAt)}, after its soak period, which is not cut short. An approver can release the next wave before then, with a reason.`
    );
  const restore = record.approvals.find((a) => a.id === followUp.restoreApprovalId);
  if (restore?.status === 'approved' && !restore.doneAt)
    return refuse(
      `What wave ${waveNumber}'s follow-up found missing is being put back; its users are checked again right after.`
    );
  const base = restore?.status === 'pending' ? supersede(record, restore.id) : record;
  return {
    record: withWave(base, waveNumber, (w) => ({
      ...w,
      followUp: {
        dueAt: now.toISOString(),
        status: 'waiting',
        ...(followUp.restored ? { restored: followUp.restored } : {}),
        // A restore this check finds needed is asked for by this admin: another person releases it.
        askedBy: by,
      },
    })),
  };
}
