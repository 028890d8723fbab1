import type { TurnContext } from 'botbuilder';
import {
  CommandError,
  parseCommand,
  type GroupChoiceArgument,
  type ParsedCommand,
} from '../domain/commands';
import type { Person } from '../domain/approvals';
import { MigrationRefusal } from '../engine/migration-service';
import { errorText } from '../error-text';
import * as admin from './admin-commands';
import type { CommandDependencies } from './command-dependencies';
import { replyWithDoctor } from './doctor-command';
import { FailedAfterChange } from './failed-after-change';
import { personOf } from './people';
import * as read from './read-commands';

type Handler = (
  context: TurnContext,
  deps: CommandDependencies,
  person: Person,
  command: ParsedCommand
) => Promise<unknown>;

const HANDLERS: Record<string, Handler> = {
  help: (context) => read.replyWithHelp(context),
  inventory: (context, deps) => read.replyWithInventory(context, deps),
  status: (context, deps) => read.replyWithStatus(context, deps),
  plan: (context, deps) => read.replyWithPlan(context, deps),
  verify: (context, deps) => read.replyWithVerify(context, deps),
  errors: (context, deps) => read.replyWithErrors(context, deps),
  wave: (context, deps, _person, command) =>
    read.replyWithWave(context, deps, command.argument as number),
  report: (context, deps, person) => read.replyWithReport(context, deps, person),
  group: (context, deps, person, command) =>
    admin.chooseGroup(context, deps, person, command.argument as GroupChoiceArgument),
  assign: (context, deps, person) => admin.requestAssign(context, deps, person),
  waves: (context, deps, person, command) =>
    admin.proposeWaves(context, deps, person, command.argument as string | null),
  pause: (context, deps, person) => admin.pause(context, deps, person),
  resume: (context, deps, person) => admin.resume(context, deps, person),
  rollback: (context, deps, person, command) =>
    admin.requestRollback(context, deps, person, command.argument as number),
  notify: (context, deps, person) => admin.notifyHere(context, deps, person),
  followup: (context, deps, person, command) =>
    admin.followUpNow(context, deps, person, command.argument as number),
  reprocess: (context, deps, person) => admin.reprocess(context, deps, person),
  doctor: (context, deps, person) => replyWithDoctor(context, deps, person),
};

/**
 * Every message: parsed as one command with its argument, checked, then handled. Malformed input and
 * refusals get a specific answer and change nothing; a failure of Graph or storage says so, and says
 * what was stored if it came after a change.
 */
export async function handleMessage(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  let command: ParsedCommand;
  try {
    command = parseCommand(context.activity.text ?? '');
  } catch (error) {
    if (error instanceof CommandError) return void (await context.sendActivity(error.message));
    throw error;
  }
  const person = personOf(context.activity);
  if (!person) {
    await context.sendActivity(
      'Teams did not say who you are (no Entra object id on the message), so I can do nothing for you.'
    );
    return;
  }
  // Within Teams' window whatever the tenant's size; the work replies from a turn of its own.
  await deps.turns.run(context, command.name, (turn) => runCommand(turn, deps, person, command));
}

async function runCommand(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person,
  command: ParsedCommand
): Promise<void> {
  try {
    await HANDLERS[command.name](context, deps, person, command);
  } catch (error) {
    if (error instanceof MigrationRefusal) return void (await context.sendActivity(error.message));
    const failure = error instanceof FailedAfterChange ? error.failure : error;
    deps.log(
      `\`${command.name}\` failed: ${failure instanceof Error ? failure.stack : String(failure)}`
    );
    // "Nothing was changed" only when it is true: every step after a stored change says what it stored.
    await context.sendActivity(
      error instanceof FailedAfterChange
        ? `${error.change}, but then something failed: ${graphFailure(failure)}. \`status\` shows where it stands.`
        : `I could not complete \`${command.name}\` (Microsoft Graph or storage failed: ${graphFailure(error)}). Nothing was changed.`
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
