import type { AdaptiveCard } from '@microsoft/teams-ai';
import { ActivityTypes, TurnContext } from 'botbuilder';
import { readDecisionInput, readRefreshInput } from '../domain/approval-input';
import type { ApprovalRequest } from '../domain/approvals';
import type { ApprovalView } from '../engine/migration-engine';
import { approvalCard } from './cards/approval-card';
import type { CommandDependencies } from './command-dependencies';
import { personOf } from './people';

/**
 * Whatever the invoke carried as the action's data: the card puts the request id and digest there, and
 * Teams adds what was typed (reason, release window). Nothing in it is trusted before
 * `readRefreshInput` or `readDecisionInput` has checked it.
 */
export type ApprovalActionData = unknown;

type CardOrMessage = AdaptiveCard | string;

/**
 * The card the clicker's invoke is answered with. Never with `refresh`: teams-ai would then update the
 * card for everyone before answering, and a failed update would fail the click. Everyone's copy is
 * updated after the answer, by the notifier.
 */
const content = (
  request: ApprovalRequest,
  view: { canDecide: boolean; notice?: string; conditions?: ApprovalView['conditions'] }
) => {
  const card = approvalCard(request, view).content as AdaptiveCard;
  delete card.refresh;
  return card;
};

/** The card that was clicked: where everyone's copy of it is. */
const clickedCard = (context: TurnContext) =>
  context.activity.replyToId
    ? {
        reference: TurnContext.getConversationReference(context.activity),
        activityId: context.activity.replyToId,
      }
    : null;

/**
 * The card's refresh: each viewer gets their own view. An approver who may decide sees the reason box
 * and the buttons; everyone else sees the status.
 */
export async function refreshApproval(
  context: TurnContext,
  deps: CommandDependencies,
  data: ApprovalActionData
): Promise<CardOrMessage> {
  const input = readRefreshInput(data);
  if ('refused' in input) return input.message;
  const found = await deps.engine.reads.approvalView(input.approvalId);
  if (!found) return 'This card belongs to no request I know of.';
  const { request, conditions } = found;
  // Without `refresh`, teams-ai answers this viewer only.
  return content(request, {
    canDecide: await deps.engine.decisions.mayDecide(request, personOf(context.activity)),
    conditions,
  });
}

/**
 * Approve or Reject. Accepted: the card, updated for everyone, says who decided and when. Refused: a
 * card that is out of date is replaced with the current one; one that was decided or expired shows
 * that; a refusal that concerns only the clicker (not an approver, their own request, no reason) is
 * said to them alone and the card stays as it is.
 */
export async function decideApproval(
  context: TurnContext,
  deps: CommandDependencies,
  decision: 'approve' | 'reject',
  data: ApprovalActionData
): Promise<CardOrMessage> {
  const person = personOf(context.activity);
  if (!person) return 'Teams did not say who you are, so nothing was decided.';
  // Checked before anything is read or written: a malformed click changes nothing and says why.
  const input = readDecisionInput(data);
  if ('refused' in input) return input.message;
  const outcome = await deps.engine.decisions.decide({
    approvalId: input.approvalId,
    decision,
    by: person,
    cardDigest: input.digest,
    reason: input.reason,
    windowText: input.window,
  });
  if (outcome.accepted) {
    const view = await deps.engine.reads.approvalView(outcome.request.id);
    return content(outcome.request, { canDecide: false, conditions: view?.conditions });
  }
  const { refusal, request, current } = outcome;
  // An out-of-date card is replaced for everyone too, once the clicker has their answer; each approver's
  // own view (with the buttons) then comes back through the refresh.
  const clicked = clickedCard(context);
  if (refusal.refused === 'stale' && current) {
    const view = await deps.engine.reads.approvalView(current.id);
    if (clicked) deps.notifier.replaceCard(clicked, current, view?.conditions);
    return content(current, { canDecide: false, notice: refusal.message });
  }
  if (request && ['already-decided', 'expired', 'stale'].includes(refusal.refused)) {
    const shown: ApprovalRequest = {
      ...request,
      status: refusal.refused === 'expired' ? 'expired' : request.status,
    };
    if (clicked) deps.notifier.replaceCard(clicked, shown);
    return content(shown, { canDecide: false, notice: refusal.message });
  }
  return refusal.message;
}

/** A card action: what Teams sends when a button of an Adaptive Card is clicked or the card refreshes. */
export const isCardAction = (context: TurnContext): Promise<boolean> =>
  Promise.resolve(
    context.activity.type === ActivityTypes.Invoke &&
      context.activity.name === 'adaptiveCard/action'
  );

/**
 * A card action none of the bot's cards carries (another verb, or no action at all): the clicker is told,
 * as Teams shows an answer to a click, and nothing is read or done.
 */
export async function refuseUnknownCardAction(context: TurnContext): Promise<void> {
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: {
      status: 200,
      body: {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value:
          'This is not one of the bot’s buttons (Approve, Reject, or a sign-off card’s refresh); nothing was done.',
      },
    },
  });
}
