import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { MemoryStorage, type TurnContext } from 'botbuilder';
import {
  replyToUnknownText,
  replyWithHelp,
  replyWithInventory,
  type CommandDependencies,
} from './command-handlers';
import { isFromServedTenant } from './tenant-guard';

export interface BotApplicationOptions extends CommandDependencies {
  readonly adapter: TeamsAdapter;
  readonly botAppId: string | undefined;
  readonly tenantId: string;
}

/** A whole-message command: the word alone, any case, surrounding spaces ignored. */
const command = (name: string) => new RegExp(`^\\s*${name}\\s*$`, 'i');

/** The teams-ai application: which activity goes to which handler. Handlers live in command-handlers. */
export function createBotApplication(options: BotApplicationOptions): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter: options.adapter,
    botAppId: options.botAppId,
    // Nothing is kept in conversation state yet; durable storage arrives with the migration state.
    storage: new MemoryStorage(),
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

  app.message(command('help'), async (context) => replyWithHelp(context));
  app.message(command('inventory'), async (context) => replyWithInventory(context, options));
  // Registered last: the first matching route wins.
  app.activity('message', async (context) => replyToUnknownText(context));
  return app;
}
