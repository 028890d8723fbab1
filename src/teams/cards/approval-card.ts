import type { Attachment } from 'botbuilder';
import { describeSubject, type ApprovalRequest } from '../../domain/approvals';
import type { ApprovalConditions } from '../../engine/ports/notifier';
import template from './approval.json';
import { moment } from './card-format';
import { renderCard } from './render-card';
import { escapeMarkdown, nameInCard, reasonInCard } from './typed-text';

const STATUS: Record<
  ApprovalRequest['status'],
  { line: (r: ApprovalRequest) => string; color: string }
> = {
  pending: { line: () => 'Waiting for an approver', color: 'Warning' },
  approved: {
    line: (r) =>
      `Approved by ${deciderOf(r)} at ${moment(r.decidedAt ?? '')}${r.overrode ? ', overriding what held it up' : ''}`,
    color: 'Good',
  },
  rejected: {
    line: (r) => `Rejected by ${deciderOf(r)} at ${moment(r.decidedAt ?? '')}`,
    color: 'Attention',
  },
  expired: {
    line: (r) => `Expired at ${moment(r.expiresAt)}; nothing was done`,
    color: 'Attention',
  },
  superseded: { line: () => 'Replaced by a newer card; nothing was done', color: 'Attention' },
};

const deciderOf = (r: ApprovalRequest) => nameInCard(r.decidedBy?.name ?? 'someone');

/** Who sees a card, and for whom Teams refreshes it. */
export interface ApprovalView {
  readonly canDecide: boolean;
  readonly notice?: string;
  readonly conditions?: ApprovalConditions;
  /** MRIs of the approvers Teams refreshes a pending card for (`refresh.userIds`, at most 60). */
  readonly refreshFor?: readonly string[];
}

/**
 * A sign-off card. Everyone sees the request and its status; the view for an approver who may decide
 * (refreshed per user through Universal Actions) adds the reason box and Approve / Reject. Only a
 * pending card refreshes, and only for the approvers named; anyone else can ask for their own view
 * with "Show my buttons" (Teams refreshes for at most 60 people, and Outlook for nobody).
 */
export function approvalCard(request: ApprovalRequest, view: ApprovalView): Attachment {
  const what = describeSubject(request.subject);
  const status = STATUS[request.status];
  const canDecide = view.canDecide && request.status === 'pending';
  const blocked = request.status === 'pending' ? (view.conditions?.blockedBecause ?? '') : '';
  const card = renderCard(template, {
    approvalId: request.id,
    title: `Sign-off needed: ${what}`,
    statusLine: status.line(request),
    statusColor: status.color,
    // What the approver typed is shown apart from the bot's words, labelled as theirs, as plain text.
    typedReasonHeading: `Reason, as ${deciderOf(request)} typed it:`,
    typedReason: request.reason ? reasonInCard(request.reason) : '',
    requestedBy: nameInCard(request.requestedBy.name),
    requestedAt: moment(request.requestedAt),
    expiresAt: moment(request.expiresAt),
    digest: request.subject.digest.slice(0, 12),
    fullDigest: request.subject.digest,
    // The bot's sentences, but they carry names from the directory (groups, users).
    summary: request.summary.map(escapeMarkdown),
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
    showMine: request.status === 'pending' && !canDecide,
  });
  const content = card.content as { refresh?: { userIds?: string[] } };
  // A decided, expired or superseded card has nothing more to show anyone: no client calls the bot.
  if (request.status !== 'pending') delete content.refresh;
  else if (view.refreshFor && content.refresh) content.refresh.userIds = [...view.refreshFor];
  return card;
}
