import { describeSubject, type ApprovalRequest } from '../domain/approvals';
import type { Journal } from '../domain/journal';

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
