/**
 * The rules of asking for a sign-off: when a request may be opened, what the record becomes when it
 * is, which request an open one replaces, and what stands between a request and its work. Pure: the
 * engine reads the record, asks these, writes once and tells the channel. What each card says is in
 * `approval-summaries.ts`.
 */

import type { ApprovalRequest } from './approvals';
import { waveSummary } from './approval-summaries';
import type { DynamicChoice } from './dynamic-choice';
import type { StoredPlannedGroup } from './stored-plan';
import {
  describeWaveStatus,
  newApproval,
  nextWaveToRequest,
  waveBlocker,
  waveSchedule,
  withApproval,
  withWave,
  type MigrationRecord,
  type StoredWave,
} from './migration-record';

/** What stands between a sign-off request and its work, as its card shows it. */
export interface ApprovalConditions {
  /** Why it may not be released yet (approving anyway needs a reason). */
  readonly blockedBecause: string | null;
  /** When the approved work runs (its release window). */
  readonly schedule: string | null;
}

/** Marks a request superseded (a newer one for the same thing replaces it), if it is still open. */
export function supersede(record: MigrationRecord, approvalId: string): MigrationRecord {
  return {
    ...record,
    approvals: record.approvals.map((a) =>
      a.id === approvalId && a.status === 'pending' ? { ...a, status: 'superseded' } : a
    ),
  };
}

/** Why something else may not start while a wave is released, running or paused; null when none is. */
export function wavesBusyRefusal(record: MigrationRecord, toDo: string): string | null {
  const busy = record.waves.find((w) => ['approved', 'running', 'paused'].includes(w.status));
  return busy
    ? `Wave ${busy.number} is ${describeWaveStatus(busy.status)}; ${toDo} once it has finished.`
    : null;
}

/** Why `assign` cannot start over: the proven groups' licensing waits for its own sign-off. */
export const PROOF_PENDING =
  'The dynamic groups are proven and their licensing waits for its sign-off: decide that card first.';

/** Why the group assignment may not be asked for now; null when it may. */
export function assignRefusal(record: MigrationRecord): string | null {
  if (record.assign?.status === 'running')
    return 'The group assignment is already running; see `status`.';
  return (
    wavesBusyRefusal(record, 'assign groups') ??
    (record.assign?.proof?.status === 'awaiting-approval' ? PROOF_PENDING : null)
  );
}

/** The record with the group assignment's request open, replacing the one still awaiting a sign-off. */
export function withAssignRequest(
  record: MigrationRecord,
  request: ApprovalRequest,
  /** The groups as the record keeps them, and the digest naming their members' blob (already stored). */
  plan: { readonly groups: readonly StoredPlannedGroup[]; readonly membersDigest: string },
  /** The variants that get a dynamic group, as chosen and counted when it was asked for. */
  dynamic: readonly DynamicChoice[] = []
): MigrationRecord {
  const previous = record.assign;
  let next = withApproval(record, request);
  if (previous?.status === 'awaiting-approval') next = supersede(next, previous.approvalId);
  return {
    ...next,
    assign: {
      status: 'awaiting-approval',
      groups: plan.groups,
      digest: request.subject.digest,
      membersDigest: plan.membersDigest,
      approvalId: request.id,
      ...(dynamic.length > 0 ? { dynamic } : {}),
    },
  };
}

/** Why waves may not be proposed now; null when they may. */
export function proposeWavesRefusal(record: MigrationRecord): string | null {
  if (record.assign?.status === 'running')
    return 'The group assignment is still running: propose waves once its processing is complete.';
  return wavesBusyRefusal(record, 'propose new waves');
}

/** Why wave N may not be rolled back, judged on its status alone; null when it may. */
export function rollbackRefusal(wave: StoredWave): string | null {
  if (wave.status === 'rolled-back') return `Wave ${wave.number} is already rolled back.`;
  // A wave between two windows has run too (it is approved, and has started).
  const hasRun =
    ['completed', 'stopped', 'paused'].includes(wave.status) ||
    (wave.status === 'approved' && wave.startedAt !== undefined);
  return hasRun
    ? null
    : `Wave ${wave.number} is ${describeWaveStatus(wave.status)}: only a wave that has run can be rolled back.`;
}

/** Why wave N's rollback would do nothing: it removed nothing. */
export const nothingToRollBack = (waveNumber: number): string =>
  `Wave ${waveNumber} removed nothing, so there is nothing to put back.`;

/** The record with a rollback's request open, replacing any open one for the same wave. */
export function withRollbackRequest(
  record: MigrationRecord,
  request: ApprovalRequest
): MigrationRecord {
  const subject = request.subject;
  const open = record.approvals.filter(
    (a) =>
      a.status === 'pending' &&
      a.subject.kind === 'rollback' &&
      subject.kind === 'rollback' &&
      a.subject.waveNumber === subject.waveNumber
  );
  let next = withApproval(record, request);
  for (const old of open) next = supersede(next, old.id);
  return next;
}

/**
 * Opens the sign-off request for the next wave when its turn has come (the ones before it finished),
 * requested in the name of whoever proposed the waves, so that person cannot approve it.
 */
export function nextWaveRequest(
  record: MigrationRecord,
  now: Date,
  ttlMs: number,
  newId: () => string
): { record: MigrationRecord; request: ApprovalRequest | null } {
  const wave = nextWaveToRequest(record);
  if (!wave) return { record, request: null };
  // A card held up by the previous wave's follow-up stays open for a full period after it is due.
  const soakingUntil = record.waves
    .filter((w) => w.number < wave.number && w.followUp?.status === 'waiting')
    .reduce((latest, w) => Math.max(latest, Date.parse(w.followUp?.dueAt ?? '')), now.getTime());
  const request = newApproval(
    newId(),
    { kind: 'wave', waveNumber: wave.number, digest: wave.digest },
    waveSummary(wave, record),
    wave.proposedBy,
    now,
    soakingUntil - now.getTime() + ttlMs
  );
  const next = withWave(withApproval(record, request), wave.number, (w) => ({
    ...w,
    status: 'awaiting-approval',
    approvalId: request.id,
  }));
  return { record: next, request };
}

/** What stands between a request and its work now: a previous follow-up not clean, a release window. */
export function approvalConditions(
  record: MigrationRecord,
  request: ApprovalRequest,
  now: Date
): ApprovalConditions {
  const subject = request.subject;
  if (subject.kind !== 'wave') return { blockedBecause: null, schedule: null };
  const wave = record.waves.find((w) => w.number === subject.waveNumber);
  return {
    blockedBecause:
      request.status === 'pending' && wave ? waveBlocker(record, subject.waveNumber) : null,
    schedule: wave && wave.approvalId === request.id ? waveSchedule(record, wave, now) : null,
  };
}

/** The open sign-off request of the next wave, if there is one: its card shows what holds it up. */
export function pendingWaveRequest(record: MigrationRecord): ApprovalRequest | null {
  const waiting = record.waves.find((w) => w.status === 'awaiting-approval');
  return (
    record.approvals.find((a) => a.id === waiting?.approvalId && a.status === 'pending') ?? null
  );
}
