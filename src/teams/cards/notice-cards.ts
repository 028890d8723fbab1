import type { Attachment } from 'botbuilder';
import type { Notice } from '../../engine/ports/notifier';
import { assignFinishedCard, assignStartedCard, groupProcessingCard } from './assign-notice-cards';
import { automationStillRunningCard } from './automation-card';
import { licenseErrorsNoticeCard } from './errors-card';
import {
  followUpFinishedCard,
  followUpRestoredCard,
  rollbackFinishedCard,
} from './follow-up-cards';
import { summaryCard } from './summary-card';
import { waveFinishedCard, waveStartedCard, waveWindowClosedCard } from './wave-notice-cards';

/**
 * The card for a notice posted once and not updated. (Sign-off cards and a wave's progress card are
 * updated in place: `approvalCard` and `progressCard`; a decision is said in text: `sign-off-texts`.)
 */
export function noticeCard(notice: Notice): Attachment {
  switch (notice.kind) {
    case 'assign-started':
      return assignStartedCard(notice);
    case 'group-processing':
      return groupProcessingCard(notice);
    case 'assign-finished':
      return assignFinishedCard(notice);
    case 'license-errors':
      return licenseErrorsNoticeCard(notice.rows);
    case 'wave-started':
      return waveStartedCard(notice);
    case 'wave-window-closed':
      return waveWindowClosedCard(notice);
    case 'wave-finished':
      return waveFinishedCard(notice);
    case 'follow-up-finished':
      return followUpFinishedCard(notice);
    case 'follow-up-restored':
      return followUpRestoredCard(notice);
    case 'rollback-finished':
      return rollbackFinishedCard(notice);
    case 'automation-still-running':
      return automationStillRunningCard(notice);
    case 'problem':
      return summaryCard({ title: 'A problem', color: 'Attention', lines: [notice.text] });
    case 'dynamic-proof':
      return summaryCard({ title: notice.title, lines: [...notice.lines] });
    default:
      return summaryCard({ title: notice.kind });
  }
}
