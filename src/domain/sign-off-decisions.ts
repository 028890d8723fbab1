/**
 * A click on a sign-off card judged against the record: which request it names, whether the click
 * counts (`decide` in `approvals.ts`), and what the record becomes once it does. Pure: the engine asks
 * who is an approver and reads and writes the record.
 */

import {
  decide,
  type ApprovalRequest,
  type ApprovalSubject,
  type DecisionRefused,
  type Person,
} from './approvals';
import {
  waveBlocker,
  withApproval,
  withWave,
  type AssignState,
  type MigrationRecord,
} from './migration-record';
import type { ReleaseWindow } from './release-window';

export type DecisionOutcome =
  | { readonly accepted: true; readonly request: ApprovalRequest }
  | {
      readonly accepted: false;
      readonly refusal: DecisionRefused;
      /** The request as it stands (null if the card named none we know). */
      readonly request: ApprovalRequest | null;
      /** The open request for the same thing, when the clicked card is out of date. */
      readonly current: ApprovalRequest | null;
    };

/** What a click carries, with what the directory said of the clicker at that moment. */
export interface CardClick {
  readonly approvalId: string;
  readonly decision: 'approve' | 'reject';
  readonly by: Person;
  readonly byIsApprover: boolean;
  readonly cardDigest: string;
  readonly reason?: string;
  readonly at: Date;
  readonly window?: ReleaseWindow;
}

/** A release window that cannot be taken: nothing is approved. */
export const windowRefused = (
  message: string,
  request: ApprovalRequest | null
): DecisionOutcome => ({
  accepted: false,
  refusal: { refused: 'bad-window', message },
  request,
  current: null,
});

/** The click judged on this record: refused with the reason, or the request as it is decided. */
export function judgeClick(record: MigrationRecord, click: CardClick): DecisionOutcome {
  const request = record.approvals.find((a) => a.id === click.approvalId) ?? null;
  if (!request) {
    return {
      accepted: false,
      refusal: {
        refused: 'stale',
        message: 'This card belongs to no request I know of; nothing was approved.',
      },
      request: null,
      current: null,
    };
  }
  const subject = request.subject;
  if (click.window && subject.kind !== 'wave')
    return windowRefused('A release window applies to removal waves only.', request);
  const decided = decide(request, {
    ...click,
    currentDigest: currentDigestOf(record, request),
    blockedBecause: subject.kind === 'wave' ? waveBlocker(record, subject.waveNumber) : null,
  });
  if ('refused' in decided)
    return {
      accepted: false,
      refusal: decided,
      request,
      current: openRequestFor(record, request.subject),
    };
  return { accepted: true, request: decided };
}

/** The digest of the thing a request is about, as it stands in the record now. */
export function currentDigestOf(record: MigrationRecord, request: ApprovalRequest): string | null {
  const subject = request.subject;
  if (subject.kind === 'assign') return record.assign?.digest ?? null;
  if (subject.kind === 'license-proven')
    return record.assign?.proof?.approvalId === request.id ? record.assign.proof.digest : null;
  const wave = record.waves.find((w) => w.number === subject.waveNumber);
  // A restore binds to the follow-up's findings; a newer follow-up replaces it.
  if (subject.kind === 'restore')
    return wave?.followUp?.restoreApprovalId === request.id ? subject.digest : null;
  return wave?.digest ?? null;
}

/** The request still open for the same thing (a re-proposed wave's new card). */
export function openRequestFor(
  record: MigrationRecord,
  subject: ApprovalSubject
): ApprovalRequest | null {
  return (
    record.approvals.find(
      (a) =>
        a.status === 'pending' &&
        a.subject.kind === subject.kind &&
        (subject.kind === 'assign' ||
          subject.kind === 'license-proven' ||
          ('waveNumber' in a.subject && a.subject.waveNumber === subject.waveNumber))
    ) ?? null
  );
}

/** The record once a decision is taken: the request decided, and the assignment or wave it releases. */
export function applyDecision(record: MigrationRecord, request: ApprovalRequest): MigrationRecord {
  const next = withApproval(record, request);
  const approved = request.status === 'approved';
  const subject = request.subject;
  if (subject.kind === 'assign' && next.assign) {
    return { ...next, assign: { ...next.assign, status: approved ? 'running' : 'rejected' } };
  }
  if (subject.kind === 'license-proven' && next.assign?.proof)
    return { ...next, assign: provenDecided(next.assign, approved) };
  if (subject.kind === 'wave') {
    return withWave(next, subject.waveNumber, (w) => ({
      ...w,
      status: approved ? 'approved' : 'rejected',
    }));
  }
  return next;
}

/** The assignment once the proof's sign-off is decided: approved, it runs on to licensing. */
export function provenDecided(assign: AssignState, approved: boolean): AssignState {
  if (!assign.proof) return assign;
  return {
    ...assign,
    status: approved ? 'running' : 'rejected',
    proof: { ...assign.proof, status: approved ? 'approved' : 'rejected' },
    ...(approved
      ? {}
      : {
          problem:
            'The dynamic groups as Entra computed them were not approved: they stay without a license. Run `assign` again after changes.',
        }),
  };
}
