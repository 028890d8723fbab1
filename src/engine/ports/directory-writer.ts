import type { UserLicenseSnapshot } from '../../domain/licenses';

/**
 * The last look before a removal leaves, asked after the pacer has granted its writes and in the same
 * synchronous step as the send: a wave that has seen a loss while the removal waited its turn sends nothing.
 */
export interface DepartureGate {
  readonly mayLeave?: () => boolean;
}

/** A removal the gate held back: it never left, so nothing changed in the directory. */
export class HeldBackError extends Error {
  constructor() {
    super('Not sent: the wave stopped while this removal waited for the write ceiling.');
    this.name = 'HeldBackError';
  }
}

export const isHeldBack = (error: unknown): boolean => error instanceof HeldBackError;

/** The directory calls a removal wave makes; Graph is one implementation. */
export interface DirectoryWriter {
  /** A fresh read of one user's license assignments. */
  readUser(userId: string): Promise<UserLicenseSnapshot>;
  /** Removes only the direct assignments of these SKUs (other SKUs and inherited ones are untouched). */
  removeDirectLicenses(
    userId: string,
    skuIds: readonly string[],
    gate?: DepartureGate
  ): Promise<void>;
  /** Puts a direct assignment back with exactly these disabled plans. */
  restoreDirectLicense(
    userId: string,
    skuId: string,
    disabledPlans: readonly string[]
  ): Promise<void>;
  /** Optional: fresh reads of up to 20 users in one round trip; a user's entry is an Error if that read failed. */
  readUsers?(userIds: readonly string[]): Promise<Map<string, UserLicenseSnapshot | Error>>;
  /**
   * Optional: removals for up to 20 users in one round trip; a user's entry is an Error if that call failed
   * (a `HeldBackError` when the gate kept it from leaving).
   */
  removeDirectLicensesForUsers?(
    items: readonly { readonly userId: string; readonly skuIds: readonly string[] }[],
    gate?: DepartureGate
  ): Promise<Map<string, Error | null>>;
  /**
   * Optional: the write ceiling as this writer's pacer sees it: writes that may leave at once, and the
   * sustained rate (per second of the pacer's clock). Lets a wave keep just enough round trips in flight.
   */
  writeBudget?(): { readonly room: number; readonly perSecond: number };
}
