import type { Attachment } from 'botbuilder';
import { count } from './card-format';
import type { NoticeOf } from './notice-kinds';
import { summaryCard } from './summary-card';

type FollowUpFinished = NoticeOf<'follow-up-finished'>;

/** A wave's follow-up: clean, or what it found, and whether the next wave may go. */
export function followUpFinishedCard(notice: FollowUpFinished): Attachment {
  const clean = notice.problems === 0;
  return summaryCard({
    title: clean
      ? `Wave ${notice.waveNumber}'s follow-up is clean`
      : `Wave ${notice.waveNumber}'s follow-up found ${count(notice.problems)} ${notice.problems === 1 ? 'problem' : 'problems'}`,
    color: clean ? 'Good' : 'Attention',
    facts: [
      { title: 'Removed assignments checked', value: count(notice.checked) },
      { title: 'Users deleted since', value: count(notice.usersGone) },
    ],
    rows: notice.findings.map((f) => ({ heading: f.userPrincipalName, detail: f.detail })),
    lines: followUpLines(notice),
    footer: nextWaveLine(notice),
  });
}

function followUpLines(notice: FollowUpFinished): string[] {
  return [
    ...(notice.problems === 0
      ? [
          'Every user still holds every license and service plan they had, inherited and active, with no license error and no new direct assignment.',
        ]
      : []),
    ...(notice.problems > 0 && notice.releasedBefore !== null
      ? [
          `Wave ${notice.releasedBefore} was released before this result; \`pause\` holds it while you look.`,
        ]
      : []),
    ...(notice.restoreRequested
      ? [
          'Putting back what is missing needs a sign-off: the card follows. Nothing is given back before it is approved.',
        ]
      : []),
  ];
}

function nextWaveLine(notice: FollowUpFinished): string {
  if (notice.nextWave === null) return `\`wave ${notice.waveNumber}\` for details.`;
  return notice.nextWaveHeldBy === null
    ? `Wave ${notice.nextWave} may be released now.`
    : `Wave ${notice.nextWave} is held up: ${notice.nextWaveHeldBy} An approver may release it anyway, with a reason.`;
}

export function followUpRestoredCard(notice: NoticeOf<'follow-up-restored'>): Attachment {
  return summaryCard({
    title: `Wave ${notice.waveNumber}: what its follow-up found missing is back`,
    color: 'Good',
    facts: [
      { title: 'Direct assignments put back', value: count(notice.restored) },
      { title: 'Already back', value: count(notice.alreadyThere) },
    ],
  });
}

export function rollbackFinishedCard(notice: NoticeOf<'rollback-finished'>): Attachment {
  return summaryCard({
    title: `Wave ${notice.waveNumber} rolled back`,
    color: notice.failed > 0 ? 'Attention' : 'Good',
    facts: [
      { title: 'Direct assignments back', value: count(notice.restored) },
      { title: 'Not yet put back', value: count(notice.failed) },
    ],
  });
}
