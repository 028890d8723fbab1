import { MessageFactory, type TurnContext } from 'botbuilder';
import { describeSubject, type Person } from '../domain/approvals';
import { describeFollowUp } from '../domain/follow-up';
import { describeWaveStatus, waveBlocker, waveSchedule } from '../domain/migration-record';
import { productName } from '../domain/product-names';
import { toCsv } from '../csv';
import { errorText } from '../error-text';
import { listLicenseErrors } from '../engine/list-license-errors';
import { intendedGroupsOf } from '../engine/migration-requests';
import { REPORT_HEADER, migrationReport } from '../engine/migration-report';
import { planGroupsWithRules } from '../engine/plan-groups';
import { takeInventory } from '../engine/take-inventory';
import { verifyDirectRemovals } from '../engine/verify-removals';
import { count, moment, plural } from './cards/card-format';
import { helpCard } from './cards/help-card';
import { inventoryCard } from './cards/inventory-card';
import { planCard } from './cards/plan-card';
import { statusCard } from './cards/status-card';
import { summaryCard } from './cards/summary-card';
import { nameInCard, reasonInCard } from './cards/typed-text';
import type { CommandDependencies } from './command-dependencies';
import { sendToPersonalChat } from './personal-chat';

/** Rows a card lists before it says "and N more" (cards stay under Teams' size limit at any scale). */
const SAMPLE_ROWS = 10;

const reply = (context: TurnContext, card: ReturnType<typeof summaryCard>) =>
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
  const skipped = result.users.filter((u) => u.decision === 'skip');
  // A few who can go, spread over the list, for the admin to check by hand in the Entra admin center.
  const passing = result.users.filter((u) => u.decision === 'remove');
  // None when nobody can go yet (no group gives their licenses): there is nothing to spot-check.
  const spotCheck = [0, Math.floor(passing.length / 2), passing.length - 1]
    .filter((i, n, all) => i >= 0 && i < passing.length && all.indexOf(i) === n)
    .map((i) => passing[i]);
  await reply(
    context,
    summaryCard({
      title: 'Verification',
      subtitle: 'Checked on the tenant as it stands; nothing was changed.',
      facts: Object.entries(result.summary).map(([sku, n]) => ({
        title: productName(sku),
        value: `${count(n.remove)} can go, ${count(n.skip)} must stay`,
      })),
      rows: skipped.slice(0, SAMPLE_ROWS).map((u) => ({
        heading: `Keep ${u.userPrincipalName}`,
        detail: u.reason,
      })),
      lines:
        spotCheck.length > 0
          ? [
              `Spot-check: ${spotCheck.map((u) => `${u.userPrincipalName} (${u.reason})`).join('; ')}.`,
            ]
          : [],
      footer:
        skipped.length > SAMPLE_ROWS
          ? `And ${count(skipped.length - SAMPLE_ROWS)} more kept: \`report\` lists every user.`
          : '`report` lists every user.',
    })
  );
}

export async function replyWithErrors(
  context: TurnContext,
  deps: CommandDependencies
): Promise<void> {
  const rows = await listLicenseErrors(deps.reader);
  await reply(
    context,
    summaryCard({
      title:
        rows.length === 0
          ? 'No group member is in license error'
          : `${plural(rows.length, 'group member is', 'group members are')} in license error`,
      color: rows.length === 0 ? 'Good' : 'Attention',
      rows: rows.slice(0, SAMPLE_ROWS).map((r) => ({
        heading: `${r.userPrincipalName} in ${nameInCard(r.groupName)}: ${r.error}`,
        detail: `${r.cause} Fix: ${r.fix}`,
      })),
      footer:
        rows.length > SAMPLE_ROWS
          ? `And ${count(rows.length - SAMPLE_ROWS)} more: \`report\` lists every user.`
          : rows.length > 0
            ? 'Their direct assignments stay until the error is fixed; then an admin says `reprocess`.'
            : '',
    })
  );
}

export async function replyWithWave(
  context: TurnContext,
  deps: CommandDependencies,
  number: number
): Promise<void> {
  const wave = await deps.service.wave(number);
  const status = await deps.service.status();
  const tally = status.tallies.find((t) => t.waveDigest === wave.digest);
  const approval = status.record.approvals.find((a) => a.id === wave.approvalId);
  const users = [...new Set(wave.entries.map((e) => e.userPrincipalName))];
  await reply(
    context,
    summaryCard({
      title: `Wave ${wave.number}: ${describeWaveStatus(wave.status)}`,
      subtitle: `${plural(wave.userCount, 'user', 'users')}, ${plural(wave.entries.length, 'direct assignment', 'direct assignments')}; contents ${wave.digest.slice(0, 12)}.`,
      facts: [
        { title: 'Proposed by', value: nameInCard(wave.proposedBy.name) },
        {
          title: 'Sign-off',
          value: approval
            ? `${approval.status}${approval.decidedBy ? ` by ${nameInCard(approval.decidedBy.name)} at ${moment(approval.decidedAt ?? '')}` : ''}`
            : 'not requested yet',
        },
        { title: 'Release window', value: approval?.window?.text ?? 'none' },
        { title: 'Removed', value: count(tally?.removed ?? 0) },
        { title: 'Skipped', value: count(tally?.skipped ?? 0) },
        { title: 'Put back', value: count(tally?.restored ?? 0) },
        { title: 'Failed', value: count(tally?.failed ?? 0) },
        { title: 'Follow-up', value: describeFollowUp(wave.followUp) },
      ],
      rows: (wave.followUp?.findings ?? []).slice(0, SAMPLE_ROWS).map((f) => ({
        heading: `${f.userPrincipalName}${f.needsRestore ? ' (lacks something)' : ''}`,
        detail: f.detail,
      })),
      lines: [
        `Users: ${users.slice(0, SAMPLE_ROWS).join(', ')}${users.length > SAMPLE_ROWS ? `, and ${count(users.length - SAMPLE_ROWS)} more` : ''}.`,
        ...(wave.result?.stoppedBecause ? [`Stopped: ${wave.result.stoppedBecause}`] : []),
        ...[
          waveSchedule(status.record, wave, status.now),
          ['proposed', 'awaiting-approval'].includes(wave.status)
            ? waveBlocker(status.record, wave.number)
            : null,
        ].filter((line): line is string => line !== null),
        ...(approval?.overrode
          ? [
              `Released although: ${approval.overrode}`,
              `Reason, as ${nameInCard(approval.decidedBy?.name ?? 'the approver')} typed it: “${reasonInCard(approval.reason ?? '')}”`,
            ]
          : []),
        ...(approval?.status === 'pending'
          ? [
              `Waiting for ${describeSubject(approval.subject)} sign-off until ${moment(approval.expiresAt)}.`,
            ]
          : []),
      ],
    })
  );
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
  const card = MessageFactory.attachment(
    summaryCard({
      title: 'Migration report',
      subtitle: `${plural(rows.length, 'row', 'rows')}: every direct assignment and what the migration decided or did.`,
      lines: [
        `[Download the CSV](${url}) (the link works until ${moment(expiresAt)}, for you alone: do not forward it).`,
      ],
    })
  );
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
