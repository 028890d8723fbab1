import type { JoinersFinding } from '../../domain/joiners';
import type { ApprovalRequest } from '../../domain/approvals';
import type { AutomationFinding } from '../../domain/automation';
import type { ReassignmentWarning } from '../../domain/done-report';
import type { FollowUpFinding } from '../../domain/follow-up';
import type { WaveResult } from '../../domain/migration-record';
import type { ApprovalConditions } from '../../domain/sign-off-requests';
import type { LicenseErrorRow } from '../list-license-errors';

export type { ApprovalConditions } from '../../domain/sign-off-requests';

/** What the migration tells the notification channel. */
export type Notice =
  | {
      readonly kind: 'approval-requested';
      readonly request: ApprovalRequest;
      readonly conditions?: ApprovalConditions;
    }
  | {
      readonly kind: 'approval-decided';
      readonly request: ApprovalRequest;
      readonly conditions?: ApprovalConditions;
    }
  /** What stands in a request's way changed (a follow-up finished): its cards are updated in place. */
  | {
      readonly kind: 'approval-updated';
      readonly request: ApprovalRequest;
      readonly conditions: ApprovalConditions;
    }
  | { readonly kind: 'approval-expired'; readonly request: ApprovalRequest }
  | { readonly kind: 'assign-started'; readonly groups: readonly string[] }
  | {
      readonly kind: 'group-processing';
      readonly groupName: string;
      readonly state: string;
    }
  | {
      readonly kind: 'assign-finished';
      readonly groups: readonly { name: string; membersAdded: number; created: boolean }[];
      readonly failures: number;
      /** How many planned members were left out (leavers since the plan) and why; null if none. */
      readonly leftOut?: string | null;
      readonly processingComplete: boolean;
      /** The groups whose processing was not seen complete, and what each still waited for. */
      readonly processingPending?: readonly { name: string; waitingFor: string }[];
      /** What showed processing done: the audit event, the members' license states, or the state alone. */
      readonly processingConfirmedBy?: 'audit' | 'license states' | 'processing state';
      readonly verify: Readonly<Record<string, { remove: number; skip: number }>>;
    }
  | { readonly kind: 'license-errors'; readonly rows: readonly LicenseErrorRow[] }
  | {
      readonly kind: 'wave-started';
      readonly waveNumber: number;
      readonly users: number;
      /** It ran before (a window closed, a pause, a restart) and goes on now. */
      readonly resumed?: boolean;
      readonly schedule?: string | null;
    }
  | {
      /** The release window closed: the wave stopped after the users in hand and waits for the next. */
      readonly kind: 'wave-window-closed';
      readonly waveNumber: number;
      readonly result: WaveResult;
      readonly schedule: string;
    }
  | {
      readonly kind: 'follow-up-finished';
      readonly waveNumber: number;
      readonly checked: number;
      readonly usersGone: number;
      readonly problems: number;
      /** The first findings (`wave N` shows more; the record keeps the first hundred). */
      readonly findings: readonly FollowUpFinding[];
      /** A restore was asked for: it waits for an approver. */
      readonly restoreRequested: boolean;
      /** The wave whose sign-off card is open, and what still holds it up (null: it may go). */
      readonly nextWave: number | null;
      readonly nextWaveHeldBy: string | null;
      /** A later wave an approver released before this result (an override): `pause` holds it. */
      readonly releasedBefore: number | null;
    }
  | {
      readonly kind: 'follow-up-restored';
      readonly waveNumber: number;
      readonly restored: number;
      readonly alreadyThere: number;
    }
  | {
      readonly kind: 'wave-progress';
      readonly waveNumber: number;
      readonly done: number;
      readonly total: number;
      readonly result: WaveResult;
    }
  | {
      readonly kind: 'wave-finished';
      readonly waveNumber: number;
      readonly result: WaveResult;
      /** Users skipped, put back or failed in this run, with the reason (the report has them all). */
      readonly notable: readonly {
        readonly userPrincipalName: string;
        readonly outcome: 'skipped' | 'restored' | 'failed';
        readonly reason: string;
      }[];
    }
  | {
      readonly kind: 'rollback-finished';
      readonly waveNumber: number;
      readonly restored: number;
      readonly failed: number;
    }
  | {
      readonly kind: 'automation-still-running';
      readonly findings: readonly AutomationFinding[];
      readonly reassigned: readonly ReassignmentWarning[];
      /** Joiners it licensed directly since the waves were frozen, in no wave yet. */
      readonly joiners?: JoinersFinding;
    }
  | { readonly kind: 'problem'; readonly text: string }
  /** What the proof of a dynamic group on its unlicensed shadow does, waits for or found. */
  | { readonly kind: 'dynamic-proof'; readonly title: string; readonly lines: readonly string[] };

/**
 * Posts notices to the channel the admins chose. Progress notices of one wave update one message in
 * place. Never throws: a failed post is logged, and the migration goes on.
 */
export interface Notifier {
  notify(notice: Notice): Promise<void>;
}
