import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import {
  decideApproval,
  isCardAction,
  refreshApproval,
  refuseUnknownCardAction,
  type ApprovalActionData,
} from './approval-actions';
import type { CommandDependencies } from './command-dependencies';
import { DeliveredActivities, type DeliveredActivityIds } from './delivered-activities';
import type { DocumentStore } from './notifier-stores';
import { handleMessage } from './message-router';
import { isFromServedTenant } from './tenant-guard';

export interface BotApplicationOptions extends CommandDependencies {
  readonly adapter: TeamsAdapter;
  readonly tenantId: string;
  /** Where the activities already taken are kept (the bot's storage), to recognise re-deliveries. */
  readonly deliveredActivities: DocumentStore<DeliveredActivityIds>;
}

/** The teams-ai application: which activity goes to which handler. Handlers live beside it. */
export function createBotApplication(options: BotApplicationOptions): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter: options.adapter,
    botAppId: options.botAppId || undefined,
    // No storage: the handlers keep nothing in teams-ai's turn state, which would otherwise be read from
    // Blob Storage before every turn (and written after it) for nothing.
  });

  app.turn('beforeTurn', async (context: TurnContext) => {
    if (isFromServedTenant(context.activity, options.tenantId)) return true;
    options.log(`Refused a ${context.activity.type} activity from another tenant.`);
    if (context.activity.type === 'message') {
      await context.sendActivity(
        'This bot serves one organization only, and this conversation is not in it.'
      );
    } else if (context.activity.type === 'invoke') {
      await context.sendActivity({ type: 'invokeResponse', value: { status: 403 } });
    }
    return false;
  });

  app.adaptiveCards.actionExecute<ApprovalActionData>(
    'refreshApproval',
    async (context, _s, data) => refreshApproval(context, options, data)
  );
  app.adaptiveCards.actionExecute<ApprovalActionData>('approve', async (context, _s, data) =>
    decideApproval(context, options, 'approve', data)
  );
  app.adaptiveCards.actionExecute<ApprovalActionData>('reject', async (context, _s, data) =>
    decideApproval(context, options, 'reject', data)
  );
  // Registered after the verbs above, so it takes only the card actions none of them took.
  app.addRoute(isCardAction, refuseUnknownCardAction, true);
  const delivered = new DeliveredActivities(options.deliveredActivities);
  app.activity('message', async (context) => {
    // Teams re-delivers a message whose turn it thinks failed: the copy does nothing.
    if (!(await delivered.claim(context.activity)))
      return options.log(`Ignored a re-delivered message (activity ${context.activity.id}).`);
    await handleMessage(context, options);
  });
  return app;
}
