import { MessageFactory, type Attachment, type TurnContext } from 'botbuilder';
import type { Person } from '../domain/approvals';
import { errorText } from '../error-text';
import { errorsCard } from './cards/errors-card';
import { helpCard } from './cards/help-card';
import { inventoryCard } from './cards/inventory-card';
import { planCard } from './cards/plan-card';
import { reportCard } from './cards/report-card';
import { statusCard } from './cards/status-card';
import { verifyCard } from './cards/verify-card';
import { waveCard } from './cards/wave-card';
import type { CommandDependencies } from './command-dependencies';
import { sendToPersonalChat } from './personal-chat';

const reply = (context: TurnContext, card: Attachment) =>
  context.sendActivity(MessageFactory.attachment(card));

export async function replyWithHelp(context: TurnContext): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(helpCard()));
}

export async function replyWithInventory(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  const inventory = await deps.engine.reads.inventory();
  await context.sendActivity(MessageFactory.attachment(inventoryCard(inventory, deps.now())));
}

export async function replyWithStatus(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  await context.sendActivity(
    MessageFactory.attachment(statusCard(await deps.engine.reads.status()))
  );
}

export async function replyWithPlan(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  const { plan, rules } = await deps.engine.reads.plan();
  await reply(context, planCard(plan, rules));
}

export async function replyWithVerify(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  const result = await deps.engine.reads.verifyAsPlanned();
  await reply(context, verifyCard(result));
}

export async function replyWithErrors(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  const rows = await deps.engine.reads.errors();
  await reply(context, errorsCard(rows));
}

export async function replyWithWave(
  context: TurnContext,
  deps: CommandDependencies,
  number: number
): Promise<void> {
  const wave = await deps.engine.reads.wave(number);
  const status = await deps.engine.reads.status();
  await reply(context, waveCard(wave, status));
}

/**
 * `report`: every user's licenses, so for admins only, and only to the one who asked: a link to the CSV
 * in the bot's storage, signed for that file and a quarter of an hour, sent in their personal chat.
 */
export async function replyWithReport(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  const report = await deps.engine.reads.report(person);
  if (!report) {
    await context.sendActivity(
      "Reports are kept in the bot's blob storage, and this bot runs without one: `npm run cli -- report` writes the same CSV."
    );
    return;
  }
  const card = MessageFactory.attachment(reportCard(report.rows, report.url, report.expiresAt));
  if (context.activity.conversation?.conversationType === 'personal') {
    await context.sendActivity(card);
    return;
  }
  try {
    await sendToPersonalChat(context, deps.botAppId, card);
  } catch (error) {
    deps.log(`Could not open a personal chat for a report: ${errorText(error)}`);
    await context.sendActivity(
      "The report lists every user's licenses, so I send it only in a personal chat, and I could not open one with you. Say `report` to me in a personal chat (add the app for yourself first if it is not there)."
    );
    return;
  }
  await context.sendActivity(
    "The report lists every user's licenses, so I sent it to you privately, in your personal chat with me."
  );
}
