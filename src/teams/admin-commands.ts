import { MessageFactory, TurnContext } from 'botbuilder';
import { describeSubject, type ApprovalRequest, type Person } from '../domain/approvals';
import type { GroupChoiceArgument } from '../domain/commands';
import { dynamicChoiceSummary } from '../domain/dynamic-choice';
import { reprocessMembersInError } from '../engine/list-license-errors';
import { MigrationRefusal } from '../engine/migration-service';
import { count, plural } from './cards/card-format';
import { summaryCard } from './cards/summary-card';
import type { CommandDependencies } from './command-dependencies';
import { afterChange } from './failed-after-change';

/**
 * Commands that change something: the service checks the admin group before anything else. What follows
 * a stored change runs in `afterChange`, so a failure there is reported with what was stored.
 */

export async function requestAssign(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  await deliverApproval(context, deps, await deps.service.requestAssign(person));
}

export async function chooseGroup(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person,
  argument: GroupChoiceArgument
): Promise<void> {
  const { choice, variantName } = await deps.service.chooseGroup(person, argument);
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
  const proposal = await deps.service.proposeWaves(person, sizes ?? undefined);
  const stored = `${plural(proposal.waves.length, 'removal wave is', 'removal waves are')} proposed and stored${proposal.request ? `, and the sign-off for ${describeSubject(proposal.request.subject)} is asked for` : ''}`;
  await afterChange(stored, async () => {
    await context.sendActivity(
      MessageFactory.attachment(
        summaryCard({
          title: `${plural(proposal.waves.length, 'removal wave', 'removal waves')} proposed`,
          subtitle: 'Each wave is frozen as it is now and released only by its own sign-off.',
          rows: proposal.waves.map((w) => ({
            heading: `Wave ${w.number}`,
            detail: `${plural(w.userCount, 'user', 'users')}, ${plural(w.entries.length, 'direct assignment', 'direct assignments')}`,
          })),
          footer:
            proposal.kept > 0
              ? `${count(proposal.kept)} direct assignments stay for now: \`verify\` says why.`
              : 'Every direct assignment is in a wave.',
        })
      )
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
  await deliverApproval(context, deps, await deps.service.requestRollback(person, waveNumber));
}

export async function pause(
  context: TurnContext,
  deps: CommandDependencies,
  person: Person
): Promise<void> {
  await deps.service.pause(person);
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
  await deps.service.resume(person);
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
  await deps.service.followUpNow(person, waveNumber);
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
  await deps.service.requireAdmin(person, 'reprocess members in license error');
  const result = await reprocessMembersInError(deps.reader, deps.groupWriter);
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
  await deps.service.requireAdmin(person, 'choose the notification channel');
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
    const { record, now } = await deps.service.status();
    const pending = record.approvals.filter(
      (a) => a.status === 'pending' && new Date(a.expiresAt) > now
    );
    const views = await Promise.all(pending.map((a) => deps.service.approvalView(a.id)));
    deps.notifier.postPending(views.filter((v) => v !== null));
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
