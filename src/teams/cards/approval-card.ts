import type { Attachment } from 'botbuilder';
import { describeSubject, type ApprovalRequest } from '../../domain/approvals';
import type { ApprovalConditions } from '../../engine/notifier';
import template from './approval.json';
import { moment } from './card-format';
import { renderCard } from './render-card';

const STATUS: Record<
  ApprovalRequest['status'],
  { line: (r: ApprovalRequest) => string; color: string }
> = {
  pending: { line: () => 'Waiting for an approver', color: 'Warning' },
  approved: {
    line: (r) =>
      `Approved by ${r.decidedBy?.name} at ${moment(r.decidedAt ?? '')}${r.overrode ? `, overriding what held it up: ${r.reason}` : ''}`,
    color: 'Good',
  },
  rejected: {
    line: (r) => `Rejected by ${r.decidedBy?.name} at ${moment(r.decidedAt ?? '')}: ${r.reason}`,
    color: 'Attention',
  },
  expired: {
    line: (r) => `Expired at ${moment(r.expiresAt)}; nothing was done`,
    color: 'Attention',
  },
  superseded: { line: () => 'Replaced by a newer card; nothing was done', color: 'Attention' },
};

/**
 * A sign-off card. Everyone sees the request and its status; the view for an approver who may decide
 * (refreshed per user through Universal Actions) adds the reason box and Approve / Reject.
 */
export function approvalCard(
  request: ApprovalRequest,
  view: { canDecide: boolean; notice?: string; conditions?: ApprovalConditions }
): Attachment {
  const what = describeSubject(request.subject);
  const status = STATUS[request.status];
  const canDecide = view.canDecide && request.status === 'pending';
  const blocked = request.status === 'pending' ? (view.conditions?.blockedBecause ?? '') : '';
  return renderCard(template, {
    approvalId: request.id,
    title: `Sign-off needed: ${what}`,
    statusLine: status.line(request),
    statusColor: status.color,
    requestedBy: request.requestedBy.name,
    requestedAt: moment(request.requestedAt),
    expiresAt: moment(request.expiresAt),
    digest: request.subject.digest.slice(0, 12),
    fullDigest: request.subject.digest,
    summary: request.summary,
    notice: view.notice ?? '',
    blocked,
    overrode: request.overrode ? `It was held up: ${request.overrode}` : '',
    schedule: view.conditions?.schedule ?? '',
    canDecide,
    canSetWindow: canDecide && request.subject.kind === 'wave',
    reasonLabel: blocked
      ? 'Reason (needed to reject, or to approve anyway: it is recorded)'
      : 'Reason (needed to reject)',
    approveTitle: blocked ? 'Approve anyway' : 'Approve',
  });
}
