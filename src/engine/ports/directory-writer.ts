import type { RemovalAnswer, RestoreAnswer, UserRead } from '../../domain/directory-answers';

/**
 * The last look before a removal leaves, asked after the pacer has granted its writes and in the same
 * synchronous step as the send: a wave that has seen a loss while the removal waited its turn sends nothing.
 */
export interface DepartureGate {
  readonly mayLeave?: () => boolean;
}

/**
 * The directory calls a removal wave makes; Graph is one implementation. Each answers in the directory's
 * own terms (src/domain/directory-answers.ts), decided by the adapter: it does not throw for what the
 * directory answered.
 */
export interface DirectoryWriter {
  /** A fresh read of one user's license assignments. */
  readUser(userId: string): Promise<UserRead>;
  /** Removes only the direct assignments of these SKUs (other SKUs and inherited ones are untouched). */
  removeDirectLicenses(
    userId: string,
    skuIds: readonly string[],
    gate?: DepartureGate
  ): Promise<RemovalAnswer>;
  /** Puts a direct assignment back with exactly these disabled plans. */
  restoreDirectLicense(
    userId: string,
    skuId: string,
    disabledPlans: readonly string[]
  ): Promise<RestoreAnswer>;
  /** Optional: fresh reads of up to 20 users in one round trip; a user missing got no answer. */
  readUsers?(userIds: readonly string[]): Promise<Map<string, UserRead>>;
  /**
   * Optional: removals for up to 20 users in one round trip (`held-back` for those the gate kept from
   * leaving).
   */
  removeDirectLicensesForUsers?(
    items: readonly { readonly userId: string; readonly skuIds: readonly string[] }[],
    gate?: DepartureGate
  ): Promise<Map<string, RemovalAnswer>>;
  /**
   * Optional: the write ceiling as this writer's pacer sees it: writes that may leave at once, and the
   * sustained rate (per second of the pacer's clock). Lets a wave keep just enough round trips in flight.
   */
  writeBudget?(): { readonly room: number; readonly perSecond: number };
}
