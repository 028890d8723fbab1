import type { Attachment } from 'botbuilder';
import { count } from './card-format';
import type { NoticeOf } from './notice-kinds';
import { summaryCard } from './summary-card';

export function waveStartedCard(notice: NoticeOf<'wave-started'>): Attachment {
  return summaryCard({
    title: `Wave ${notice.waveNumber} ${notice.resumed ? 'goes on' : 'started'}`,
    lines: [
      `${count(notice.users)} users; progress is updated on one card.`,
      ...(notice.schedule ? [notice.schedule] : []),
    ],
  });
}

export function waveWindowClosedCard(notice: NoticeOf<'wave-window-closed'>): Attachment {
  return summaryCard({
    title: `Wave ${notice.waveNumber} stopped at the end of its release window`,
    facts: [
      { title: 'Removed so far', value: count(notice.result.removed) },
      { title: 'Skipped', value: count(notice.result.skipped) },
      { title: 'Put back at once', value: count(notice.result.restored) },
    ],
    lines: ['The users in hand were finished; nobody is left half-done.', notice.schedule],
  });
}

/** A wave's run ended: what it did, who it skipped, put back or failed and why, or why it stopped. */
export function waveFinishedCard(notice: NoticeOf<'wave-finished'>): Attachment {
  const { result } = notice;
  return summaryCard({
    title: `Wave ${notice.waveNumber} ${result.stoppedBecause ? 'stopped' : 'finished'}`,
    color: result.stoppedBecause || result.restored > 0 ? 'Attention' : 'Good',
    facts: [
      { title: 'Removed', value: count(result.removed) },
      { title: 'Skipped (kept, with the reason)', value: count(result.skipped) },
      { title: 'Put back at once', value: count(result.restored) },
      { title: 'Failed', value: count(result.failed) },
    ],
    rows: notice.notable.map((n) => ({
      heading: `${n.userPrincipalName}: ${n.outcome === 'restored' ? 'put back' : n.outcome}`,
      detail: n.reason,
    })),
    lines: result.stoppedBecause ? [result.stoppedBecause] : [],
    footer: `\`wave ${notice.waveNumber}\` for details, \`report\` for every user.`,
  });
}
