import { MessageFactory, type Attachment, type TurnContext } from 'botbuilder';
import type { Person } from '../domain/approvals';
import { toCsv } from '../csv';
import { errorText } from '../error-text';
import { listLicenseErrors } from '../engine/list-license-errors';
import { intendedGroupsOf } from '../engine/migration-requests';
import { REPORT_HEADER, migrationReport } from '../engine/migration-report';
import { planGroupsWithRules } from '../engine/plan-groups';
import { takeInventory } from '../engine/take-inventory';
import { verifyDirectRemovals } from '../engine/verify-removals';
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
  const inventory = await takeInventory(deps.reader);
  await context.sendActivity(MessageFactory.attachment(inventoryCard(inventory, deps.now())));
}

export async function replyWithStatus(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(statusCard(await deps.service.status())));
}

export async function replyWithPlan(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  const { plan, rules } = await planGroupsWithRules(deps.reader);
  await reply(context, planCard(plan, rules));
}

export async function replyWithVerify(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  const { record } = await deps.service.status();
  const result = await verifyDirectRemovals(deps.reader, intendedGroupsOf(record));
  await reply(context, verifyCard(result));
}

export async function replyWithErrors(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  const rows = await listLicenseErrors(deps.reader);
  await reply(context, errorsCard(rows));
}

export async function replyWithWave(
  context: TurnContext,
  deps: CommandDependencies,
  number: number
): Promise<void> {
  const wave = await deps.service.wave(number);
  const status = await deps.service.status();
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
  await deps.service.requireAdmin(person, "get the report of every user's licenses");
  if (!deps.reports) {
    await context.sendActivity(
      "Reports are kept in the bot's blob storage, and this bot runs without one: `npm run cli -- report` writes the same CSV."
    );
    return;
  }
  const { record } = await deps.service.status();
  const rows = await migrationReport(deps.reader, await deps.journal.entries(), record);
  const { url, expiresAt } = await deps.reports.publish(
    toCsv([
      REPORT_HEADER,
      ...rows.map((r) => [r.id, r.userPrincipalName, r.skuId, r.decision, r.reason, r.wave ?? '']),
    ]),
    deps.now()
  );
  const card = MessageFactory.attachment(reportCard(rows.length, url, expiresAt));
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
