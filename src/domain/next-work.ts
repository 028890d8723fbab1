import { describeSubject, type ApprovalRequest } from './approvals';
import { utc } from './follow-up';
import {
  approvalOf,
  dueFollowUp,
  expireDue,
  openGiveBacks,
  type AssignState,
  type MigrationRecord,
  type StoredWave,
} from './migration-record';
import { windowAt } from './release-window';

/**
 * Which approved work runs next, from the record, when each give-back's next pass is due, and the clock.
 * Pure: the runner asks, then hands the work to its job. In this order: requests whose time passed are
 * expired first; then the group assignment; then give-backs (restores first, then rollbacks), never
 * given up and held only by `pause`; then a released wave that may run now; then a due follow-up, so
 * that one which cannot read holds up none of the others.
 */

interface WorkBase {
  /** The work in words, for the channel when it fails ("wave 2 failed and will be tried again"). */
  readonly label: string;
  /** The approval the work runs under: its decision is journaled before anything it releases. */
  readonly approvalId?: string;
}

export type Work =
  | (WorkBase & { readonly kind: 'expire-requests' })
  | (WorkBase & { readonly kind: 'assign'; readonly assign: AssignState })
  | (WorkBase & {
      readonly kind: 'restore' | 'rollback';
      readonly request: ApprovalRequest;
      readonly waveNumber: number;
    })
  | (WorkBase & { readonly kind: 'wave'; readonly wave: StoredWave })
  | (WorkBase & { readonly kind: 'follow-up'; readonly wave: StoredWave });

export type NextWork = Work | { readonly kind: 'nothing'; readonly why: string };

/**
 * The next piece of work, or nothing and why. `passDueAt` says, per give-back (approval id), when its
 * next pass is due after one that left something owed; absent, it is due now.
 */
export function nextWork(
  record: MigrationRecord,
  now: Date,
  passDueAt: ReadonlyMap<string, number> = new Map()
): NextWork {
  if (expireDue(record, now) !== record)
    return { kind: 'expire-requests', label: 'expiring sign-off requests' };
  if (record.assign?.status === 'running')
    return {
      kind: 'assign',
      label: 'the group assignment',
      approvalId: record.assign.approvalId,
      assign: record.assign,
    };
  const giveBack = dueGiveBack(record, now, passDueAt);
  if (giveBack) return giveBack;
  const wave = waveThatMayRun(record, now);
  if (wave)
    return { kind: 'wave', label: `wave ${wave.number}`, approvalId: wave.approvalId, wave };
  const due = dueFollowUp(record, now);
  if (due) return { kind: 'follow-up', label: `the follow-up of wave ${due.number}`, wave: due };
  return { kind: 'nothing', why: whyNothing(record, now, passDueAt) };
}

/** The first give-back whose pass is due, restores before rollbacks; none while paused. */
function dueGiveBack(
  record: MigrationRecord,
  now: Date,
  passDueAt: ReadonlyMap<string, number>
): Work | null {
  if (record.paused) return null;
  const giveBacks = openGiveBacks(record);
  const request = [...giveBacks.filter((a) => a.subject.kind === 'restore'), ...giveBacks].find(
    (a) => (passDueAt.get(a.id) ?? 0) <= now.getTime()
  );
  const subject = request?.subject;
  if (!request || (subject?.kind !== 'restore' && subject?.kind !== 'rollback')) return null;
  return {
    kind: subject.kind,
    label: describeSubject(subject),
    approvalId: request.id,
    request,
    waveNumber: subject.waveNumber,
  };
}

/**
 * A released wave (approved, or running when a process stopped) that may run now: not while paused,
 * nor while it is being rolled back (even while the rollback waits for its next pass). An approved
 * wave waits for its window; one that was running goes in only to settle what was in flight (a crash
 * at the window's end), and stops again at once.
 */
function waveThatMayRun(record: MigrationRecord, now: Date): StoredWave | null {
  const released = releasedWave(record);
  if (!released || record.paused) return null;
  const window = approvalOf(record, released)?.window;
  if (released.status === 'approved' && window && !windowAt(window, now).open) return null;
  return released;
}

function releasedWave(record: MigrationRecord): StoredWave | undefined {
  const rollingBack = new Set(
    openGiveBacks(record).flatMap((a) =>
      a.subject.kind === 'rollback' ? [a.subject.waveNumber] : []
    )
  );
  return record.waves.find(
    (w) => (w.status === 'approved' || w.status === 'running') && !rollingBack.has(w.number)
  );
}

/** Why nothing runs now, in words (the log, and tests). */
function whyNothing(
  record: MigrationRecord,
  now: Date,
  passDueAt: ReadonlyMap<string, number>
): string {
  const released = releasedWave(record);
  const owed = openGiveBacks(record);
  if (record.paused && (released || owed.length > 0))
    return `Paused by ${record.paused.by.name}: approved work waits for \`resume\`.`;
  if (owed.length > 0) {
    const next = Math.min(...owed.map((a) => passDueAt.get(a.id) ?? now.getTime()));
    return `${owed.length === 1 ? 'A give-back waits' : `${owed.length} give-backs wait`} for the next pass, at ${utc(new Date(next).toISOString())}.`;
  }
  const window = released && approvalOf(record, released)?.window;
  if (released && window) return `Wave ${released.number} waits for its window ${window.text}.`;
  const soaking = record.waves.find(
    (w) => w.followUp?.status === 'waiting' && ['completed', 'stopped'].includes(w.status)
  );
  if (soaking)
    return `Wave ${soaking.number}'s follow-up is due at ${utc(soaking.followUp?.dueAt ?? '')}.`;
  return 'No approved work waits.';
}
