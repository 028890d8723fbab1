import { createHash } from 'node:crypto';
import {
  expireRequests,
  type ApprovalRequest,
  type ApprovalSubject,
  type Person,
} from './approvals';
import { releaseBlocker, utc, type FollowUpState } from './follow-up';
import type { DynamicChoice } from './dynamic-choice';
import { dynamicHandOver } from './dynamic-handover';
import type { PlannedGroup } from './group-plan';
import type { ShadowProof } from './shadow-proof';
import type { StoredPlannedGroup } from './stored-plan';
import { describeMoment, windowAt } from './release-window';
import { waveMetadata } from './wave-metadata';
import type { Wave, WaveEntry } from './waves';

/**
 * Where the migration stands, as one record kept in durable storage: the plan being assigned, the
 * frozen removal waves and the approval requests. Pure: records in, records out; the journal keeps the
 * per-user history.
 */

export type AssignStatus = 'awaiting-approval' | 'rejected' | 'running' | 'completed' | 'failed';

export interface AssignState {
  readonly status: AssignStatus;
  /**
   * The plan the approval binds to (its digest), executed exactly as approved. Its groups without their
   * members' ids: those are stored apart under `membersDigest` (domain/stored-plan.ts).
   */
  readonly groups: readonly StoredPlannedGroup[];
  readonly digest: string;
  /**
   * The digest of the groups with their members (`planDigest`), which names their blob: the approved
   * plan's `digest`, or once the dynamic groups are proven, that of the groups as proven. Absent in
   * records written with the ids inline.
   */
  readonly membersDigest?: string;
  readonly approvalId: string;
  /** Group ids once created or reused, by display name. */
  readonly groupIds?: Readonly<Record<string, string>>;
  readonly finishedAt?: string;
  readonly problem?: string;
  /** The dynamic groups this assignment creates, as chosen and counted when it was asked for. */
  readonly dynamic?: readonly DynamicChoice[];
  /** Entra's computation of those groups' members, compared, and its own sign-off. */
  readonly proof?: ShadowProof;
}

export type WaveStatus =
  | 'proposed'
  | 'awaiting-approval'
  | 'rejected'
  | 'approved'
  | 'running'
  | 'paused'
  | 'completed'
  | 'stopped'
  | 'rolled-back';

const WAVE_STATUS_WORDS: Record<WaveStatus, string> = {
  proposed: 'proposed',
  'awaiting-approval': 'waiting for sign-off',
  rejected: 'rejected',
  approved: 'approved, starting',
  running: 'running',
  paused: 'paused',
  completed: 'done',
  stopped: 'stopped',
  'rolled-back': 'rolled back',
};

/** A wave's status in words. */
export const describeWaveStatus = (status: WaveStatus): string => WAVE_STATUS_WORDS[status];

export interface WaveResult {
  readonly removed: number;
  readonly skipped: number;
  readonly restored: number;
  readonly failed: number;
  readonly stoppedBecause: string | null;
}

/**
 * A wave as the record keeps it: what it is and where it stands, not who is in it. Its contents are a blob
 * of their own, named by `digest` (engine/wave-contents.ts), read only where a step needs them.
 */
export interface StoredWave {
  readonly number: number;
  readonly digest: string;
  readonly userCount: number;
  /** Direct assignments in it (absent in records written with the contents inline: count `entries`). */
  readonly assignmentCount?: number;
  /** A few of its users' names, for its cards (absent in records written with the contents inline). */
  readonly sample?: readonly string[];
  /**
   * The contents, only in records written before they had blobs of their own: they still run, and the
   * next write of the record moves them to their blob.
   */
  readonly entries?: readonly WaveEntry[];
  readonly status: WaveStatus;
  readonly approvalId?: string;
  readonly proposedBy: Person;
  readonly result?: WaveResult;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** The check of the wave's users after the soak period. */
  readonly followUp?: FollowUpState;
}

/** How each SKU was held at one moment: the migration's progress over time. */
export interface ProgressPoint {
  readonly at: string;
  /** What had just happened: "before the groups", "after wave 2" … */
  readonly label: string;
  /** Users in the tenant then (absent in points counted before it was kept). */
  readonly users?: number;
  readonly skus: readonly {
    readonly skuId: string;
    readonly skuPartNumber: string;
    readonly directOnly: number;
    readonly both: number;
    readonly inheritedOnly: number;
  }[];
}

/** Points kept; older ones (but the first, the starting point) are dropped. */
const HISTORY_POINTS = 40;

export interface MigrationRecord {
  readonly assign: AssignState | null;
  readonly waves: readonly StoredWave[];
  readonly approvals: readonly ApprovalRequest[];
  /** Set by `pause`: no wave step runs until `resume`. */
  readonly paused: { readonly by: Person; readonly at: string } | null;
  /** The tenant's licenses counted after each step (absent in records written before it existed). */
  readonly history?: readonly ProgressPoint[];
  /** Variants given a dynamic group with `group N dynamic`, by their planned group's name. */
  readonly dynamicChoices?: readonly DynamicChoice[];
}

export const NEW_MIGRATION_RECORD: MigrationRecord = {
  assign: null,
  waves: [],
  approvals: [],
  paused: null,
};

/** A digest of a group plan's exact contents: groups, SKUs, disabled plans and members. */
export function planDigest(groups: readonly PlannedGroup[]): string {
  const canonical = groups
    .map((g) =>
      JSON.stringify([
        g.displayName,
        g.skuId,
        [...g.disabledPlans].map((p) => p.toLowerCase()).sort(),
        [...g.userIds].map((u) => u.toLowerCase()).sort(),
        // Only on dynamic groups, so a static plan's digest is what it always was.
        ...(g.membershipRule ? [g.membershipRule] : []),
      ])
    )
    .sort();
  return createHash('sha256').update(canonical.join('\n')).digest('hex');
}

export function newApproval(
  id: string,
  subject: ApprovalSubject,
  summary: readonly string[],
  by: Person,
  now: Date,
  ttlMs: number
): ApprovalRequest {
  return {
    id,
    subject,
    summary,
    requestedBy: by,
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    status: 'pending',
  };
}

/** Replaces the waves nobody has started with new ones; their pending requests are superseded. */
export function replaceProposedWaves(
  record: MigrationRecord,
  waves: readonly Wave[],
  by: Person
): MigrationRecord {
  const kept = record.waves.filter(
    (w) => !['proposed', 'awaiting-approval', 'rejected'].includes(w.status)
  );
  const firstNumber = kept.reduce((max, w) => Math.max(max, w.number), 0) + 1;
  const dropped = new Set(
    record.waves
      .filter((w) => !kept.includes(w))
      .flatMap((w) => (w.approvalId ? [w.approvalId] : []))
  );
  return {
    ...record,
    approvals: record.approvals.map((a) =>
      dropped.has(a.id) && a.status === 'pending' ? { ...a, status: 'superseded' } : a
    ),
    waves: [
      ...kept,
      ...waves.map((w, i): StoredWave => ({
        number: firstNumber + i,
        ...waveMetadata(w),
        status: 'proposed',
        proposedBy: by,
      })),
    ],
  };
}

export function withWave(
  record: MigrationRecord,
  number: number,
  change: (wave: StoredWave) => StoredWave
): MigrationRecord {
  return { ...record, waves: record.waves.map((w) => (w.number === number ? change(w) : w)) };
}

export function withApproval(record: MigrationRecord, request: ApprovalRequest): MigrationRecord {
  const exists = record.approvals.some((a) => a.id === request.id);
  return {
    ...record,
    approvals: exists
      ? record.approvals.map((a) => (a.id === request.id ? request : a))
      : [...record.approvals, request],
  };
}

export function withProgressPoint(record: MigrationRecord, point: ProgressPoint): MigrationRecord {
  const history = [...(record.history ?? []), point];
  return {
    ...record,
    history:
      history.length > HISTORY_POINTS
        ? [history[0], ...history.slice(history.length - HISTORY_POINTS + 1)]
        : history,
  };
}

/** The approval a wave runs under (and the window it carries). */
export function approvalOf(record: MigrationRecord, wave: StoredWave): ApprovalRequest | undefined {
  return wave.approvalId ? record.approvals.find((a) => a.id === wave.approvalId) : undefined;
}

/**
 * Who asks for a restore a wave's follow-up found necessary: the person whose action caused that check,
 * so the requester-is-not-the-approver rule makes a second person release the give-back. That is the
 * admin who typed `followup N`, or the approver of the restore the check follows; a check after the soak
 * period follows the wave itself, so it is the wave's approver (who released the removals it checks).
 */
export function followUpRequester(record: MigrationRecord, wave: StoredWave): Person {
  return wave.followUp?.askedBy ?? approvalOf(record, wave)?.decidedBy ?? wave.proposedBy;
}

/** Approved rollbacks and restores not yet carried out: licenses the migration still owes people. */
export function openGiveBacks(record: MigrationRecord): ApprovalRequest[] {
  return record.approvals.filter(
    (a) =>
      a.status === 'approved' &&
      !a.doneAt &&
      (a.subject.kind === 'restore' || a.subject.kind === 'rollback')
  );
}

/** A wave whose follow-up is due (the runner checks it once no restore, rollback or wave is in flight). */
export function dueFollowUp(record: MigrationRecord, now: Date): StoredWave | null {
  return (
    record.waves.find(
      (w) =>
        w.followUp?.status === 'waiting' &&
        ['completed', 'stopped'].includes(w.status) &&
        Date.parse(w.followUp.dueAt) <= now.getTime()
    ) ?? null
  );
}

/** When an approved wave runs, if its approval carries a window; null when it runs as soon as it can. */
export function waveSchedule(record: MigrationRecord, wave: StoredWave, now: Date): string | null {
  const window = approvalOf(record, wave)?.window;
  if (!window || !['approved', 'running', 'paused'].includes(wave.status)) return null;
  const state = windowAt(window, now);
  return state.open
    ? `Runs in its window ${window.text}: open now, until ${describeMoment(state.closesAt, window.timeZone)}.`
    : `Runs in its window ${window.text}: next from ${describeMoment(state.opensAt, window.timeZone)}.`;
}

/** Why wave `number` cannot be released yet (see releaseBlocker); null when it can. */
export function waveBlocker(record: MigrationRecord, number: number): string | null {
  return releaseBlocker(record.waves, number, (id) =>
    record.approvals.some((a) => a.id === id && a.status === 'pending')
  );
}

/** The wave that goes next: the first not yet approved or run, if the ones before it are finished. */
export function nextWaveToRequest(record: MigrationRecord): StoredWave | null {
  for (const wave of record.waves) {
    if (wave.status === 'proposed') return wave;
    // A stopped or rejected wave waits for people; the waves proposed after it may go on.
    if (!['completed', 'rolled-back', 'stopped', 'rejected'].includes(wave.status)) return null;
  }
  return null;
}

/**
 * Marks pending requests whose time has passed as expired, and what waited on them as no longer waiting:
 * the assignment as rejected, a wave as proposed again (an admin proposes the waves anew to ask again).
 * The same record when nothing expired.
 */
export function expireDue(record: MigrationRecord, now: Date): MigrationRecord {
  const approvals = expireRequests(record.approvals, now);
  if (approvals.every((a, i) => a === record.approvals[i])) return record;
  const expired = new Set(approvals.filter((a) => a.status === 'expired').map((a) => a.id));
  return {
    ...record,
    approvals,
    assign:
      record.assign?.status === 'awaiting-approval' &&
      expired.has(record.assign.proof?.approvalId ?? record.assign.approvalId)
        ? { ...record.assign, status: 'rejected', problem: 'The sign-off request expired.' }
        : record.assign,
    waves: record.waves.map((w) =>
      w.status === 'awaiting-approval' && w.approvalId && expired.has(w.approvalId)
        ? { ...w, status: 'proposed', approvalId: undefined }
        : w
    ),
  };
}

/** The headline of the migration for `status`. */
export function migrationStage(record: MigrationRecord, now: Date): string {
  const assign = record.assign;
  if (!assign) return 'Not started: read `inventory` and `plan`, then `assign`.';
  if (assign.status === 'awaiting-approval')
    return assign.proof
      ? 'Waiting for an approver to license the dynamic groups as Entra computed them.'
      : 'Waiting for an approver to release the group assignment.';
  if (assign.status === 'rejected')
    return 'The group assignment was rejected; run `assign` again after changes.';
  if (assign.status === 'running')
    return 'Populating the licensing groups and waiting for license processing.';
  if (assign.status === 'failed')
    return `The group assignment failed: ${assign.problem ?? 'see the channel'}.`;
  if (record.waves.length === 0)
    return 'Groups assigned: check `verify` and `errors`, then propose `waves`.';
  const running = record.waves.find((w) => w.status === 'running' || w.status === 'paused');
  if (record.paused) return `Paused by ${record.paused.by.name}: \`resume\` to go on.`;
  if (running) return `Wave ${running.number} is running.`;
  const approved = record.waves.find((w) => w.status === 'approved');
  const schedule = approved && waveSchedule(record, approved, now);
  if (approved && schedule) return `Wave ${approved.number} is approved. ${schedule}`;
  const waiting = record.waves.find((w) => w.status === 'awaiting-approval');
  const blocker = waiting && waveBlocker(record, waiting.number);
  if (waiting && blocker) return blocker;
  if (waiting) return `Wave ${waiting.number} is waiting for an approver.`;
  const soaking = record.waves.find(
    (w) => w.followUp?.status === 'waiting' && ['completed', 'stopped'].includes(w.status)
  );
  const followUp = soaking
    ? `Wave ${soaking.number}'s users are checked again at ${utc(soaking.followUp?.dueAt ?? '')} (its follow-up).`
    : '';
  if (record.waves.every((w) => ['completed', 'rolled-back'].includes(w.status)))
    return `Every wave is done: see \`report\`, and point the old automation at the licensing groups.${dynamicHandOver(assign)}${followUp ? ` ${followUp}` : ''}`;
  if (followUp) return followUp;
  return 'Removal waves are under way.';
}
