import { describeSubject, type ApprovalRequest } from '../domain/approvals';
import type { Journal } from './ports/journal';
import type { MigrationRecord } from '../domain/migration-record';

/** Journals a decision (the audit trail, and what executeWave checks a wave's approval against). */
export async function journalDecision(
  journal: Journal,
  request: ApprovalRequest,
  newId: () => string
): Promise<void> {
  const base = {
    id: newId(),
    at: request.decidedAt ?? new Date().toISOString(),
    decision: request.status === 'approved' ? ('approved' as const) : ('rejected' as const),
    by: `${request.decidedBy?.name} (${request.decidedBy?.id})`,
    ...(request.reason ? { reason: request.reason } : {}),
  };
  const subject = request.subject;
  await journal.append(
    subject.kind === 'wave'
      ? {
          ...base,
          kind: 'wave-decision',
          approvalId: request.id,
          ...(request.overrode ? { overrode: request.overrode } : {}),
          ...(request.window ? { window: request.window.text } : {}),
          waveNumber: subject.waveNumber,
          waveDigest: subject.digest,
        }
      : {
          ...base,
          kind: 'approval-decision',
          approvalId: request.id,
          subject: describeSubject(subject),
          digest: subject.digest,
          requestedBy: `${request.requestedBy.name} (${request.requestedBy.id})`,
        }
  );
}

/**
 * The record is where approvals are decided; the journal is written just after. If that append was
 * lost (a stop, storage failing), the decision — on a wave, the assignment, a rollback or a restore —
 * is journaled now, before anything it releases is done (executeWave checks a wave's).
 */
export async function journalDecisionOnce(
  journal: Journal,
  record: MigrationRecord,
  approvalId: string | undefined,
  newId: () => string
): Promise<void> {
  const approval = record.approvals.find((a) => a.id === approvalId);
  if (approval?.status !== 'approved') return;
  if (!(await journal.summary()).hasDecisionOn(approval.id))
    await journalDecision(journal, approval, newId);
}
