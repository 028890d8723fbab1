import { MessageFactory, TurnContext } from 'botbuilder';
import { describeSubject, type ApprovalRequest, type Person } from '../domain/approvals';
import type { GroupChoiceArgument } from '../domain/commands';
import { dynamicChoiceSummary } from '../domain/dynamic-choice';
import { MigrationRefusal } from '../engine/migration-engine';
import { plural } from './cards/card-format';
import { wavesProposedCard } from './cards/waves-proposed-card';
import type { CommandDependencies } from './command-dependencies';
import { afterChange } from './failed-after-change';

/**
 * Commands that change something: the engine checks the admin group before anything else. What follows
 * a stored change runs in `afterChange`, so a failure there is reported with what was stored.
 */

export async function requestAssign(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  await deliverApproval(context, deps, await deps.engine.requests.assign(person));
}

export async function chooseGroup(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person,
  argument: GroupChoiceArgument
): Promise<void> {
  const { choice, variantName } = await deps.engine.requests.chooseGroup(person, argument);
  await afterChange('The choice of group is stored', () =>
    context.sendActivity(
      choice
        ? [
            `Variant ${argument.variant} ("${variantName}") gets a dynamic group with ${choice.ruleText} when \`assign\` runs.`,
            ...dynamicChoiceSummary(choice),
          ].join('\n\n')
        : `Variant ${argument.variant} ("${variantName}") keeps a static group, members added by the bot.`
    )
  );
}

export async function proposeWaves(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person,
  sizes: string | null
): Promise<void> {
  const proposal = await deps.engine.requests.proposeWaves(person, sizes ?? undefined);
  const stored = `${plural(proposal.waves.length, 'removal wave is', 'removal waves are')} proposed and stored${proposal.request ? `, and the sign-off for ${describeSubject(proposal.request.subject)} is asked for` : ''}`;
  await afterChange(stored, async () => {
    await context.sendActivity(
      MessageFactory.attachment(wavesProposedCard(proposal.waves, proposal.kept))
    );
    if (proposal.request) await deliverApproval(context, deps, proposal.request);
  });
}

export async function requestRollback(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person,
  waveNumber: number
): Promise<void> {
  await deliverApproval(
    context,
    deps,
    await deps.engine.controls.requestRollback(person, waveNumber)
  );
}

export async function pause(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  await deps.engine.controls.pause(person);
  await afterChange('The migration is paused', () =>
    context.sendActivity(
      'Paused: the running wave stops after the users in hand, and no wave starts until `resume`.'
    )
  );
}

export async function resume(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  await deps.engine.controls.resume(person);
  await afterChange('The migration is resumed', () =>
    context.sendActivity('Resumed: approved waves go on.')
  );
}

export async function followUpNow(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person,
  waveNumber: number
): Promise<void> {
  await deps.engine.controls.followUpNow(person, waveNumber);
  await afterChange(`Wave ${waveNumber}'s follow-up is asked for`, () =>
    context.sendActivity(
      `Checking wave ${waveNumber}'s users again now; the result goes to the notification channel, and \`status\` shows it.`
    )
  );
}

export async function reprocess(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  const result = await deps.engine.controls.reprocess(person);
  await afterChange(
    `Entra ID was asked to process ${plural(result.reprocessed, 'member', 'members')} in license error again`,
    () =>
      context.sendActivity(
        result.reprocessed === 0 && result.failed.length === 0
          ? 'No group member is in license error: nothing to reprocess.'
          : `Asked Entra ID to process ${plural(result.reprocessed, 'member', 'members')} in license error again; \`errors\` shows who is still in error once it has.${result.failed.length > 0 ? ` Could not ask for ${result.failed.map((f) => `${f.userPrincipalName} (${f.reason})`).join(', ')}.` : ''}`
      )
  );
}

export async function notifyHere(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  await deps.engine.access.requireAdmin(person, 'choose the notification channel');
  if (context.activity.conversation?.conversationType !== 'channel')
    throw new MigrationRefusal(
      'Notifications go to a channel the admins and approvers share: say `notify here` there, with an @mention.'
    );
  await deps.notifier.useChannel(context, person.name);
  await afterChange('This channel is stored as the notification channel', async () => {
    await context.sendActivity(
      'This channel gets the migration notifications and sign-off cards from now on.'
    );
    // Sign-offs asked for before there was a channel have had no card anyone could reach: now they do.
    deps.notifier.postPending(await deps.engine.reads.openApprovalViews());
  });
}

/**
 * Says where the approval card is: the notification channel (the notifier posts it there). Without a
 * channel there is nowhere an approver can see it (a personal chat shows it to the requester alone),
 * so the request waits, stored, until an admin chooses one.
 */
async function deliverApproval(
  context: TurnContext,
  deps: CommandDependencies,
  request: ApprovalRequest
): Promise<void> {
  await afterChange(`The sign-off request for ${describeSubject(request.subject)} is stored`, () =>
    pointToCard(context, deps, request)
  );
}

async function pointToCard(
  context: TurnContext,
  deps: CommandDependencies,
  request: ApprovalRequest
): Promise<void> {
  const channel = await deps.notifier.channel();
  const what = describeSubject(request.subject);
  const here = TurnContext.getConversationReference(context.activity);
  const hereId = here.conversation?.id.split(';messageid=')[0];
  if (channel && channel.conversation?.id === hereId) {
    await context.sendActivity(
      `Asked for sign-off on ${what}: the card is in this channel. An approver other than you must approve it.`
    );
    return;
  }
  if (channel) {
    await context.sendActivity(
      `Asked for sign-off on ${what}: the card is in the notification channel. An approver other than you must approve it.`
    );
    return;
  }
  await context.sendActivity(
    `Asked for sign-off on ${what}, but no notification channel is set, so no approver can see the card yet. An admin says \`notify here\` (with an @mention) in the channel the approvers read; the card is posted there then.`
  );
}
