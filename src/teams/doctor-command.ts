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
  await deps.service.requireAdmin(person, 'run `doctor`');
  const report = await deps.preflight();
  await context.sendActivity(MessageFactory.attachment(doctorCard(report)));
}
