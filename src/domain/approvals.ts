import { capitalize } from './give-back';
/**
 * Approval requests and the rules of a decision. Pure: the caller says who clicked, whether Graph counts
 * them among the approvers (checked at click time, never taken from the card), and what the card showed.
 */

import type { ReleaseWindow } from './release-window';

/** Someone in the tenant, by Entra object id. */
export interface Person {
  readonly id: string;
  readonly name: string;
}

/** What an approval releases, bound to the digest of its exact contents. */
export type ApprovalSubject =
  | { readonly kind: 'assign'; readonly digest: string }
  /** License dynamic groups proven on their unlicensed shadow; the digest binds Entra's members as compared. */
  | { readonly kind: 'license-proven'; readonly digest: string }
  | { readonly kind: 'wave'; readonly waveNumber: number; readonly digest: string }
  | { readonly kind: 'rollback'; readonly waveNumber: number; readonly digest: string }
  /** Put back what a wave's follow-up found missing; the digest binds the exact assignments. */
  | { readonly kind: 'restore'; readonly waveNumber: number; readonly digest: string };

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'superseded';

export interface ApprovalRequest {
  readonly id: string;
  readonly subject: ApprovalSubject;
  /** What will change, in lines an approver reads on the card. */
  readonly summary: readonly string[];
  readonly requestedBy: Person;
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly status: ApprovalStatus;
  readonly decidedBy?: Person;
  readonly decidedAt?: string;
  readonly reason?: string;
  /** A removal wave approved to run only in this window. */
  readonly window?: ReleaseWindow;
  /** Approved although this stood in the way (a follow-up not clean); the reason says why. */
  readonly overrode?: string;
  /** When the approved work was carried out (or given up on): it is not run again. */
  readonly doneAt?: string;
}

export type RefusalCode =
  | 'already-decided'
  | 'expired'
  | 'not-approver'
  | 'own-request'
  | 'stale'
  | 'reason-required'
  | 'override-reason-required'
  | 'bad-window';

export interface DecisionRefused {
  readonly refused: RefusalCode;
  readonly message: string;
}

export interface Click {
  readonly decision: 'approve' | 'reject';
  readonly by: Person;
  /** From Graph, at click time. */
  readonly byIsApprover: boolean;
  /** The digest the clicked card showed. */
  readonly cardDigest: string;
  /** The subject's digest as it stands now (a re-proposed wave has a new one); null if it is gone. */
  readonly currentDigest: string | null;
  readonly reason?: string;
  readonly at: Date;
  /** Why the subject may not be released yet (the previous wave's follow-up); approving needs a reason. */
  readonly blockedBecause?: string | null;
  /** The window an approval of a wave carries. */
  readonly window?: ReleaseWindow;
}

export function describeSubject(subject: ApprovalSubject): string {
  if (subject.kind === 'assign') return 'populating the licensing groups and assigning them';
  if (subject.kind === 'license-proven')
    return 'licensing the dynamic groups Entra computed, and the exceptions groups';
  if (subject.kind === 'wave') return `removal wave ${subject.waveNumber}`;
  if (subject.kind === 'restore')
    return `putting back what wave ${subject.waveNumber}'s follow-up found missing`;
  return `the rollback of wave ${subject.waveNumber}`;
}

/**
 * Applies one click to a request. Refused, in this order: a request already decided (a double click or a
 * replayed invoke decides nothing twice), expired, a clicker who is not an approver, the requester
 * themself, contents that changed since the card was posted, a rejection without a reason.
 */
export function decide(request: ApprovalRequest, click: Click): ApprovalRequest | DecisionRefused {
  const what = describeSubject(request.subject);
  if (request.status === 'approved' || request.status === 'rejected') {
    return {
      refused: 'already-decided',
      message: `${capitalize(what)} was already ${request.status} by ${request.decidedBy?.name ?? 'someone'} at ${request.decidedAt}; nothing was done twice.`,
    };
  }
  if (request.status === 'expired' || click.at.getTime() >= Date.parse(request.expiresAt)) {
    return {
      refused: 'expired',
      message: `The request for ${what} expired at ${request.expiresAt}, so nothing was done; an admin can ask again (\`${askAgain(request.subject)}\`).`,
    };
  }
  if (!click.byIsApprover) {
    return {
      refused: 'not-approver',
      message: `${click.by.name} is not a member of the approvers group, so cannot decide ${what}.`,
    };
  }
  if (isRequester(click.by, request)) {
    return {
      refused: 'own-request',
      message: `${click.by.name} requested ${what} and cannot approve or reject it; another approver must.`,
    };
  }
  if (
    request.status === 'superseded' ||
    click.cardDigest !== request.subject.digest ||
    click.currentDigest !== request.subject.digest
  ) {
    return {
      refused: 'stale',
      message: `This card is out of date: the contents of ${what} changed since it was posted, so nothing was approved. The current card replaces it.`,
    };
  }
  const reason = click.reason?.trim() ?? '';
  if (click.decision === 'reject' && reason === '') {
    return {
      refused: 'reason-required',
      message: 'Say why you reject it: the reason is recorded.',
    };
  }
  const approve = click.decision === 'approve';
  if (approve && click.blockedBecause && reason === '') {
    return {
      refused: 'override-reason-required',
      message: `${click.blockedBecause} To approve it anyway, say why in the reason box: the override is recorded.`,
    };
  }
  return {
    ...request,
    status: approve ? 'approved' : 'rejected',
    decidedBy: click.by,
    decidedAt: click.at.toISOString(),
    ...(reason ? { reason } : {}),
    ...(approve && click.blockedBecause ? { overrode: click.blockedBecause } : {}),
    ...(approve && click.window ? { window: click.window } : {}),
  };
}

/** Whether this person asked for the request (and so may not decide it). */
const isRequester = (person: Person, request: ApprovalRequest): boolean =>
  person.id.toLowerCase() === request.requestedBy.id.toLowerCase();

/**
 * Whether the request is open to this person's decision, apart from their being an approver (which the
 * directory answers, and is asked only then): it is pending and they did not ask for it. A card shows
 * the buttons to such an approver; `decide` judges the click itself by the same rules.
 */
export function openToDecisionBy(request: ApprovalRequest, person: Person): boolean {
  return request.status === 'pending' && !isRequester(person, request);
}

/** The command that asks for the same sign-off again. */
function askAgain(subject: ApprovalSubject): string {
  switch (subject.kind) {
    case 'assign':
    case 'license-proven':
      return 'assign';
    case 'wave':
      return 'waves';
    case 'rollback':
      return `rollback ${subject.waveNumber}`;
    case 'restore':
      return `followup ${subject.waveNumber}`;
  }
}

/** Marks pending requests whose time has passed as expired. */
export function expireRequests(requests: readonly ApprovalRequest[], now: Date): ApprovalRequest[] {
  return requests.map((r) =>
    r.status === 'pending' && now.getTime() >= Date.parse(r.expiresAt)
      ? { ...r, status: 'expired' }
      : r
  );
}
