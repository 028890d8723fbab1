import type { Attachment } from 'botbuilder';
import { describeSubject, type ApprovalRequest } from '../../domain/approvals';
import { describeFollowUp } from '../../domain/follow-up';
import {
  describeWaveStatus,
  waveBlocker,
  waveSchedule,
  type StoredWave,
} from '../../domain/migration-record';
import { assignmentsIn, usersSampleOf } from '../../domain/wave-metadata';
import type { MigrationStatus } from '../../engine/migration-engine';
import { count, moment, plural, SAMPLE_ROWS } from './card-format';
import { summaryCard } from './summary-card';
import { nameInCard, reasonInCard } from './typed-text';

/** `wave N`: one wave's contents, sign-off, tally, follow-up and what it waits for. */
export function waveCard(wave: StoredWave, status: MigrationStatus): Attachment {
  const tally = status.tallies.find((t) => t.waveDigest === wave.digest);
  const approval = status.record.approvals.find((a) => a.id === wave.approvalId);
  return summaryCard({
    title: `Wave ${wave.number}: ${describeWaveStatus(wave.status)}`,
    subtitle: `${plural(wave.userCount, 'user', 'users')}, ${plural(assignmentsIn(wave), 'direct assignment', 'direct assignments')}; contents ${wave.digest.slice(0, 12)}.`,
    facts: [
      { title: 'Proposed by', value: nameInCard(wave.proposedBy.name) },
      { title: 'Sign-off', value: signOffOf(approval) },
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
    lines: waveLines(wave, status, approval),
  });
}

const signOffOf = (approval: ApprovalRequest | undefined): string =>
  approval
    ? `${approval.status}${approval.decidedBy ? ` by ${nameInCard(approval.decidedBy.name)} at ${moment(approval.decidedAt ?? '')}` : ''}`
    : 'not requested yet';

/** Who is in it, why it stopped, when it runs or what holds it, an override, a sign-off it waits for. */
function waveLines(
  wave: StoredWave,
  status: MigrationStatus,
  approval: ApprovalRequest | undefined
): string[] {
  const users = usersSampleOf(wave).slice(0, SAMPLE_ROWS);
  return [
    `Users: ${users.join(', ')}${wave.userCount > users.length ? `, and ${count(wave.userCount - users.length)} more` : ''}.`,
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
  ];
}
