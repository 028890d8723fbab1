import type { Attachment } from 'botbuilder';
import { describeAutomation } from '../../domain/automation';
import { describeReassignment } from '../../domain/done-report';
import { describeJoiners } from '../../domain/joiners';
import { count } from './card-format';
import type { NoticeOf } from './notice-kinds';
import { summaryCard } from './summary-card';

/** The old automation still assigns licenses directly: who does it, whom it licensed again, joiners. */
export function automationStillRunningCard(
  notice: NoticeOf<'automation-still-running'>
): Attachment {
  return summaryCard({
    title: 'The old automation is still assigning licenses directly',
    color: 'Warning',
    lines: [
      ...notice.findings.slice(0, 3).map(describeAutomation),
      ...notice.reassigned.slice(0, 5).map((w) => describeReassignment(w, w.skuId)),
      ...[notice.joiners && describeJoiners(notice.joiners)].flatMap((line) =>
        line ? [line] : []
      ),
    ],
    footer:
      notice.reassigned.length > 0
        ? `${count(notice.reassigned.length)} users removed in a wave hold a direct assignment again.`
        : 'Nobody removed in a wave holds a direct assignment again.',
  });
}
