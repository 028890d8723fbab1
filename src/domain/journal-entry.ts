/** What the journal holds: removals intended and their outcomes, restores intended, decisions. */

export type RemovalOutcome =
  /** The direct assignment is gone and the user keeps the license through a group. */
  | 'removed'
  /**
   * Nothing removed by the bot: the pre-check failed and nothing was sent, or the direct assignment was
   * gone before the bot's removal arrived (Graph: "does not have a corresponding license").
   */
  | 'skipped'
  /** Removing lost something; the direct assignment was put back exactly. */
  | 'restored'
  /** The request failed and a fresh read shows the direct assignment is still there. */
  | 'failed'
  /**
   * Unknown, re-checking: the read back still shows the direct assignment, possibly from a replica
   * behind the removal. Still in flight: a later outcome settles it from a read known to be fresh.
   */
  | 'unknown';

export type JournalEntry =
  | {
      readonly kind: 'removal-intended';
      readonly id: string;
      readonly at: string;
      readonly waveNumber: number;
      readonly waveDigest: string;
      readonly userId: string;
      readonly skuId: string;
      /** What a restore puts back. */
      readonly disabledPlans: readonly string[];
    }
  | {
      readonly kind: 'removal-outcome';
      readonly id: string;
      readonly at: string;
      readonly intentId: string;
      readonly outcome: RemovalOutcome;
      readonly reason: string;
    }
  | {
      /** Written before a lost removal is put back: after a crash, says the removal did happen. */
      readonly kind: 'restore-intended';
      readonly id: string;
      readonly at: string;
      readonly intentId: string;
    }
  | {
      readonly kind: 'wave-decision';
      readonly id: string;
      readonly at: string;
      /** The sign-off request decided (absent in entries written by tools and older tests). */
      readonly approvalId?: string;
      readonly waveNumber: number;
      readonly waveDigest: string;
      readonly decision: 'approved' | 'rejected';
      readonly by: string;
      readonly reason?: string;
      /** Approved although this held it up (the previous wave's follow-up); `reason` says why. */
      readonly overrode?: string;
      /** The release window the approval carries, as written. */
      readonly window?: string;
    }
  | {
      /** A decision on anything else that needs approval: the group assignment, a rollback. */
      readonly kind: 'approval-decision';
      readonly id: string;
      readonly at: string;
      readonly approvalId: string;
      readonly subject: string;
      readonly digest: string;
      readonly decision: 'approved' | 'rejected';
      readonly by: string;
      readonly requestedBy: string;
      readonly reason?: string;
    };
