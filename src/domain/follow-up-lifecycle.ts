import { createHash } from 'node:crypto';
import type { ApprovalRequest } from './approvals';
import type { FollowUpFinding } from './follow-up';
import {
  followUpRequester,
  newApproval,
  withApproval,
  withWave,
  type MigrationRecord,
  type StoredWave,
} from './migration-record';
import { restoreSummary } from './approval-summaries';
import { nextWaveRequest, pendingWaveRequest } from './sign-off-requests';
import { giveBackDone } from './wave-lifecycle';

/**
 * A wave's follow-up in the record: its result, the restore it asks for, the next wave's card it held up;
 * and a restore, once done, asking for the check again. Pure: records in, records out.
 */

/** Follow-up findings kept in the record and shown; the restore covers them all. */
const FINDINGS_KEPT = 100;

/** The digest a restore approval binds to: exactly these removed assignments (their intents). */
export function restoreDigest(intentIds: readonly string[]): string {
  return createHash('sha256')
    .update([...intentIds].sort().join('\n'))
    .digest('hex');
}

/** What a follow-up found on fresh reads. */
export interface FollowUpResult {
  readonly checked: number;
  readonly usersGone: number;
  readonly findings: readonly FollowUpFinding[];
}

export interface FollowUpContext {
  readonly at: Date;
  readonly approvalTtlMs: number;
  readonly newId: () => string;
}

export interface RecordedFollowUp {
  readonly record: MigrationRecord;
  /** The restore it asks an approver for, when something the wave removed is missing. */
  readonly request: ApprovalRequest | null;
  /** The next wave's card, opened anew because it expired while the follow-up held it up. */
  readonly reopened: ApprovalRequest | null;
}

/**
 * The follow-up's result recorded, with the restore it asks for; the next wave's card, held up until
 * now, kept open for a full period from the result, or opened anew if it expired meanwhile (not after a
 * stopped wave, nor past a rejected one: those wait for people). Null when no follow-up was waiting.
 */
export function followUpRecorded(
  record: MigrationRecord,
  waveNumber: number,
  result: FollowUpResult,
  context: FollowUpContext
): RecordedFollowUp | null {
  const current = record.waves.find((w) => w.number === waveNumber);
  if (!current || current.followUp?.status !== 'waiting') return null;
  const request = restoreRequest(record, current, result.findings, context);
  const pending = pendingWaveRequest(record);
  const checked = withWave(
    withRequest(pendingKeptOpen(record, pending, context), request),
    waveNumber,
    (w) => ({ ...w, followUp: followUpState(current, result, request, context.at) })
  );
  const reopened =
    !pending && nextCardExpired(record, current)
      ? nextWaveRequest(checked, context.at, context.approvalTtlMs, context.newId)
      : { record: checked, request: null };
  return { record: reopened.record, request, reopened: reopened.request };
}

function restoreRequest(
  record: MigrationRecord,
  wave: StoredWave,
  findings: readonly FollowUpFinding[],
  context: FollowUpContext
): ApprovalRequest | null {
  const toRestore = findings.filter((f) => f.needsRestore);
  if (toRestore.length === 0) return null;
  return newApproval(
    context.newId(),
    {
      kind: 'restore',
      waveNumber: wave.number,
      digest: restoreDigest(toRestore.map((f) => f.intentId)),
    },
    restoreSummary(wave.number, toRestore),
    followUpRequester(record, wave),
    context.at,
    context.approvalTtlMs
  );
}

const withRequest = (record: MigrationRecord, request: ApprovalRequest | null) =>
  request ? withApproval(record, request) : record;

/** The next wave's card, held up until now, stays open for a full period from the result. */
function pendingKeptOpen(
  record: MigrationRecord,
  pending: ApprovalRequest | null,
  context: FollowUpContext
): MigrationRecord {
  const until = context.at.getTime() + context.approvalTtlMs;
  return pending && Date.parse(pending.expiresAt) < until
    ? withApproval(record, { ...pending, expiresAt: new Date(until).toISOString() })
    : record;
}

function followUpState(
  current: StoredWave,
  result: FollowUpResult,
  request: ApprovalRequest | null,
  at: Date
): NonNullable<StoredWave['followUp']> {
  const toRestore = result.findings.filter((f) => f.needsRestore);
  return {
    ...(current.followUp?.restored ? { restored: current.followUp.restored } : {}),
    dueAt: current.followUp?.dueAt ?? at.toISOString(),
    status: result.findings.length === 0 ? 'clean' : 'problems',
    checkedAt: at.toISOString(),
    checked: result.checked,
    usersGone: result.usersGone,
    problems: result.findings.length,
    findings: result.findings.slice(0, FINDINGS_KEPT),
    ...(request
      ? { restoreIntentIds: toRestore.map((f) => f.intentId), restoreApprovalId: request.id }
      : {}),
  };
}

/** The next wave's card expired while this completed wave's follow-up held it up. */
function nextCardExpired(record: MigrationRecord, current: StoredWave): boolean {
  const following = record.waves.find((w) => w.number === current.number + 1);
  return (
    current.status === 'completed' &&
    following?.status === 'proposed' &&
    record.approvals.some(
      (a) =>
        a.status === 'expired' &&
        a.subject.kind === 'wave' &&
        a.subject.waveNumber === following.number
    )
  );
}

/** Whether a restore still matches what was approved: the set kept beside it must match its digest. */
export function restoreMatches(wave: StoredWave | undefined, request: ApprovalRequest): boolean {
  const followUp = wave?.followUp;
  return (
    wave !== undefined &&
    followUp?.restoreApprovalId === request.id &&
    restoreDigest(followUp.restoreIntentIds ?? []) === request.subject.digest
  );
}

/**
 * A restore done: its request closed, and the wave's users checked again at once (what was put back is
 * no longer in it; anything else the follow-up found still holds the next wave). The check this
 * restore asks for is its approver's: a restore it finds needed is theirs.
 */
export function restoreRecorded(
  record: MigrationRecord,
  request: ApprovalRequest,
  waveNumber: number,
  restored: number,
  at: Date
): MigrationRecord {
  return withWave(giveBackDone(record, request, at), waveNumber, (w) =>
    w.followUp?.restoreApprovalId === request.id
      ? {
          ...w,
          followUp: {
            dueAt: at.toISOString(),
            status: 'waiting',
            restored: (w.followUp.restored ?? 0) + restored,
            ...(request.decidedBy ? { askedBy: request.decidedBy } : {}),
          },
        }
      : w
  );
}
