import { MessageFactory, type TurnContext } from 'botbuilder';
import { closestCommand } from '../domain/commands';
import { errorText } from '../error-text';
import { takeInventory } from '../engine/take-inventory';
import type { TenantReader } from '../engine/tenant-reader';
import { helpCard } from './cards/help-card';
import { inventoryCard } from './cards/inventory-card';

export interface CommandDependencies {
  readonly reader: TenantReader;
  readonly now: () => Date;
  readonly log: (line: string) => void;
}

export async function replyWithHelp(context: TurnContext): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(helpCard()));
}

export async function replyWithInventory(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  let inventory;
  try {
    inventory = await takeInventory(deps.reader);
  } catch (error) {
    deps.log(`Inventory failed: ${error instanceof Error ? error.stack : String(error)}`);
    await context.sendActivity(
      `I could not read the tenant from Microsoft Graph: ${graphFailure(error)}. Nothing was changed.`
    );
    return;
  }
  await context.sendActivity(MessageFactory.attachment(inventoryCard(inventory, deps.now())));
}

export async function replyToUnknownText(context: TurnContext): Promise<void> {
  const typed = (context.activity.text ?? '').trim();
  const closest = closestCommand(typed);
  const shown = typed.length > 40 ? `${typed.slice(0, 40)}…` : typed;
  const namedExactly = closest.name === typed.toLowerCase().split(/\s+/)[0];
  if (namedExactly && closest.available) {
    await context.sendActivity(`\`${closest.name}\` takes no arguments. Try \`${closest.usage}\`.`);
  } else if (namedExactly) {
    await context.sendActivity(
      `\`${closest.name}\` is not available in this release yet. Try \`inventory\`, or \`help\` for the list.`
    );
  } else {
    await context.sendActivity(
      `I don't know "${shown}". Did you mean \`${closest.usage}\`? Type \`help\` for the list of commands.`
    );
  }
}

function graphFailure(error: unknown): string {
  const graphError = error as { statusCode?: number; code?: string; message?: string };
  if (graphError.statusCode && graphError.code) {
    return `${graphError.statusCode} ${graphError.code}: ${graphError.message ?? ''}`.trim();
  }
  return errorText(error);
}
