/**
 * What a click on a sign-off card carries, checked before anything is read or written. The card limits
 * what a person types, but only in their client: a forged or broken invoke is refused here too.
 */

/** The card's reason box takes this many characters (its maxLength); longer is refused. */
export const REASON_MAX_LENGTH = 500;
/** The card's release-window box takes this many characters (its maxLength). */
export const WINDOW_MAX_LENGTH = 100;

/** A decision's input: which request, the contents the card showed, and what the approver typed. */
export interface DecisionInput {
  readonly approvalId: string;
  readonly digest: string;
  readonly reason?: string;
  readonly window?: string;
}

export interface InputRefused {
  readonly refused: 'bad-input';
  readonly message: string;
}

/** Request ids are UUIDs; a little slack, but nothing a card the bot wrote would not carry. */
const APPROVAL_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Contents are bound by a SHA-256 digest, in hex. */
const DIGEST = /^[0-9a-f]{64}$/;

/** A card's refresh: only the request id, as the bot wrote it on the card. */
export function readRefreshInput(data: unknown): { approvalId: string } | InputRefused {
  const fields = fieldsOf(data);
  if (!fields) return refuse('This card carried no data.', 'Nothing is shown.');
  if (!isApprovalId(fields.approvalId))
    return refuse(
      'This card does not name a sign-off request as the bot writes one.',
      'Nothing is shown.'
    );
  return { approvalId: fields.approvalId };
}

/** Approve or Reject: the request id and digest as the bot wrote them, the typed text within limits. */
export function readDecisionInput(data: unknown): DecisionInput | InputRefused {
  const nothing = 'Nothing was decided.';
  const fields = fieldsOf(data);
  if (!fields) return refuse('This click carried no card data.', nothing);
  const { approvalId, digest } = fields;
  if (!isApprovalId(approvalId))
    return refuse('This card does not name a sign-off request as the bot writes one.', nothing);
  if (typeof digest !== 'string' || !DIGEST.test(digest))
    return refuse('This card does not carry the digest of the contents it showed.', nothing);
  const reason = typedText(fields.reason, 'reason', REASON_MAX_LENGTH);
  if (typeof reason === 'object') return reason;
  const window = typedText(fields.window, 'release window', WINDOW_MAX_LENGTH);
  if (typeof window === 'object') return window;
  return {
    approvalId,
    digest,
    ...(reason !== undefined ? { reason } : {}),
    ...(window !== undefined ? { window } : {}),
  };
}

function fieldsOf(data: unknown): Record<string, unknown> | null {
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : null;
}

const isApprovalId = (value: unknown): value is string =>
  typeof value === 'string' && APPROVAL_ID.test(value);

/** Text a person typed into a box, or undefined if they left it empty (Teams leaves it out, or sends null). */
function typedText(value: unknown, what: string, max: number): string | undefined | InputRefused {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return refuse(`The ${what} must be text.`, 'Nothing was decided.');
  if (value.length > max)
    return refuse(
      `The ${what} is ${value.length.toLocaleString('en-US')} characters long; keep it to ${max} or fewer.`,
      'Nothing was decided.'
    );
  return value;
}

const refuse = (problem: string, nothing: string): InputRefused => ({
  refused: 'bad-input',
  message: `${problem} ${nothing}`,
});
