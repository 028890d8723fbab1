import { openToDecisionBy, type ApprovalRequest, type Person } from '../../domain/approvals';
import { expireDue } from '../../domain/migration-record';
import {
  ReleaseWindowError,
  parseReleaseWindow,
  type ReleaseWindow,
} from '../../domain/release-window';
import {
  applyDecision,
  judgeClick,
  windowRefused,
  type CardClick,
  type DecisionOutcome,
} from '../../domain/sign-off-decisions';
import { approvalConditions } from '../../domain/sign-off-requests';
import { journalDecision } from '../journal-decision';
import { updateRecord } from '../update-record';
import type { Access } from './access';
import {
  currentRecord,
  persistExpiry,
  type MigrationEngineDependencies,
} from './engine-dependencies';

/** An approver's click on a sign-off card, as the card and Teams carried it. */
export interface DecisionClick {
  readonly approvalId: string;
  readonly decision: 'approve' | 'reject';
  readonly by: Person;
  /** The digest the clicked card showed. */
  readonly cardDigest: string;
  readonly reason?: string;
  /** The release window typed on a wave's card. */
  readonly windowText?: string;
}

/**
 * Approve or reject, with separation of duties: only an approver, never the requester, decides, and
 * only the contents the card showed. Who is an approver is asked of the directory at the click.
 */
export class Decisions {
  constructor(
    private readonly deps: MigrationEngineDependencies,
    private readonly access: Access
  ) {}

  /** Whether this viewer's card shows the buttons: the request is open to them and they approve. */
  async mayDecide(request: ApprovalRequest, person: Person | null): Promise<boolean> {
    return (
      person !== null && openToDecisionBy(request, person) && (await this.access.isApprover(person))
    );
  }

  /**
   * An approver's click. Membership is asked of the directory now; the card supplies only which
   * request it showed and its digest. The decision is journaled before it takes effect.
   */
  async decide(input: DecisionClick): Promise<DecisionOutcome> {
    const { deps } = this;
    const click: CardClick = {
      approvalId: input.approvalId,
      decision: input.decision,
      by: input.by,
      byIsApprover: await this.access.isApprover(input.by),
      cardDigest: input.cardDigest,
      reason: input.reason,
      at: deps.now(),
    };
    const first = judgeClick(await currentRecord(deps), click);
    if (!first.accepted) {
      if (first.refusal.refused === 'expired') await persistExpiry(deps);
      return first;
    }
    // Only once the click itself counts: who may decide is said before what they typed.
    let window: ReleaseWindow | undefined;
    if (input.decision === 'approve' && input.windowText?.trim()) {
      try {
        window = parseReleaseWindow(input.windowText);
      } catch (error) {
        if (!(error instanceof ReleaseWindowError)) throw error;
        return windowRefused(`${error.message} Nothing was approved.`, first.request);
      }
    }
    // Judged again on the record as written (ETag-guarded): of two clicks at the same moment, one wins.
    // Only the winner is journaled; the runner journals it again if this process stops in between.
    const { outcome, record } = await updateRecord(deps.store, (stored) => {
      const current = expireDue(stored, click.at);
      const judged = judgeClick(current, { ...click, window });
      const next = judged.accepted ? applyDecision(current, judged.request) : current;
      return { record: next, result: { outcome: judged, record: next } };
    });
    if (!outcome.accepted) return outcome;
    await journalDecision(deps.journal, outcome.request, deps.newId);
    await deps.notifier.notify({
      kind: 'approval-decided',
      request: outcome.request,
      conditions: approvalConditions(record, outcome.request, click.at),
    });
    if (outcome.request.status === 'approved') deps.wake();
    return outcome;
  }
}
