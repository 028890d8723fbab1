import { describeSubject, type ApprovalRequest } from '../../domain/approvals';
import { NAME_MAX_LENGTH, REASON_MAX_LENGTH, plainTyped } from './typed-text';

/** Posted when a sign-off expired unanswered. */
export const approvalExpiredText = (request: ApprovalRequest): string =>
  `The request for ${describeSubject(request.subject)} expired unanswered; nothing was done.`;

/**
 * Posted when a sign-off was decided. Sent as plain text (Teams renders no markdown or HTML in it), what
 * was typed set apart in quotes.
 */
export function approvalDecidedText(request: ApprovalRequest): string {
  const verb = request.status === 'approved' ? 'approved' : 'rejected';
  const window = request.window ? `, to run in its window ${request.window.text}` : '';
  const override = request.overrode ? ' although it was held up' : '';
  const by = plainTyped(request.decidedBy?.name ?? 'Someone', NAME_MAX_LENGTH);
  const reason = request.reason ? plainTyped(request.reason, REASON_MAX_LENGTH) : '';
  return `${by} ${verb} ${describeSubject(request.subject)}${window}${override}.${reason ? ` Reason, as ${by} typed it: “${reason}”` : ''}`;
}
