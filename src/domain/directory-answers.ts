import type { UserLicenseSnapshot } from './licenses';

/**
 * What the directory answered about one user, as plain data: the Graph adapter decides which answer a
 * response is (src/graph/graph-directory-answers.ts), so nothing above it reads a status code.
 */

/**
 * The call did not do what was asked. `transient`: asking again later may go otherwise (no answer,
 * throttled, a server error); not transient: Graph refused it outright (bad request, not allowed), so
 * nothing changed.
 */
export interface DirectoryFailure {
  readonly kind: 'failed';
  readonly reason: string;
  readonly transient: boolean;
}

/** No such user: deleted, or (just after a write) not on this replica yet. */
export interface NotFound {
  readonly kind: 'not-found';
  readonly reason: string;
}

/** Not sent: this instance no longer holds the runner lease; whoever holds it settles the write. */
export interface LeaseLost {
  readonly kind: 'lease-lost';
  readonly reason: string;
}

/** A fresh read of one user's licenses. */
export type UserRead =
  { readonly kind: 'read'; readonly user: UserLicenseSnapshot } | NotFound | DirectoryFailure;

/** What became of removing a user's direct assignments. */
export type RemovalAnswer =
  | { readonly kind: 'done' }
  /**
   * Graph answered that the user holds no such direct license: someone removed it first, or an earlier
   * attempt whose answer was lost did (a replica may not show it yet).
   */
  | { readonly kind: 'already-gone'; readonly reason: string }
  /** The departure gate kept it from leaving (the wave stopped meanwhile): nothing changed. */
  | { readonly kind: 'held-back' }
  | NotFound
  | DirectoryFailure
  | LeaseLost;

/** What became of putting a direct assignment back. */
export type RestoreAnswer = { readonly kind: 'done' } | NotFound | DirectoryFailure | LeaseLost;

/** A read Graph gave no answer for: failed, and worth asking again. */
export const noAnswer = (reason = 'no answer'): DirectoryFailure => ({
  kind: 'failed',
  reason,
  transient: true,
});
