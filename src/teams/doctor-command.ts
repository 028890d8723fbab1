import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Person } from '../domain/approvals';
import { doctorCard } from './cards/doctor-card';
import type { CommandDependencies } from './command-dependencies';

/**
 * `doctor`: only reads, but for admins only, since it says which of the bot's permissions are missing
 * and tells storage and group ids apart.
 */
export async function replyWithDoctor(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  const report = await deps.engine.reads.doctor(person);
  await context.sendActivity(MessageFactory.attachment(doctorCard(report)));
}
