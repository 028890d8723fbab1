import type { Attachment } from 'botbuilder';
import { productName } from '../../domain/product-names';
import { count } from './card-format';
import type { NoticeOf } from './notice-kinds';
import { summaryCard } from './summary-card';
import { nameInCard } from './typed-text';

/** Which signal showed group license processing done (the audit log is minutes late in real tenants). */
const PROCESSING_CONFIRMATION = {
  audit: 'License processing finished: confirmed by the audit log.',
  'license states':
    "License processing finished: every member's license states show the group's license (the audit log has not confirmed it yet).",
  'processing state': "License processing finished, as the groups' processing state says.",
} as const;

export function assignStartedCard(notice: NoticeOf<'assign-started'>): Attachment {
  return summaryCard({
    title: 'Group assignment started',
    lines: [
      `Populating and licensing ${notice.groups.length} groups: ${notice.groups.map(nameInCard).join(', ')}.`,
      'I post each group’s license processing as it moves.',
    ],
  });
}

export function groupProcessingCard(notice: NoticeOf<'group-processing'>): Attachment {
  const complete = notice.state === 'ProcessingComplete';
  return summaryCard({
    title: `${nameInCard(notice.groupName)}: ${complete ? 'license processing complete' : `license processing ${notice.state}`}`,
    color: complete ? 'Good' : 'Default',
  });
}

export function assignFinishedCard(notice: NoticeOf<'assign-finished'>): Attachment {
  return summaryCard({
    title: 'Group assignment finished',
    color: notice.processingComplete && notice.failures === 0 ? 'Good' : 'Warning',
    rows: notice.groups.map((g) => ({
      heading: nameInCard(g.name),
      detail: `${g.created ? 'created' : 'existing'}, ${count(g.membersAdded)} members added`,
    })),
    lines: [
      ...Object.entries(notice.verify).map(
        ([sku, n]) =>
          `${productName(sku)}: ${count(n.remove)} direct assignments can go, ${count(n.skip)} must stay.`
      ),
      ...(notice.failures > 0
        ? [`${notice.failures} members could not be added; see the log.`]
        : []),
      ...(notice.leftOut ? [notice.leftOut] : []),
      ...processingLines(notice),
    ],
    footer: 'Next: `verify` and `errors`, then `waves`.',
  });
}

/** What showed processing done, or what each group still waited for when the bot stopped waiting. */
function processingLines(notice: NoticeOf<'assign-finished'>): string[] {
  if (notice.processingComplete)
    return notice.processingConfirmedBy
      ? [PROCESSING_CONFIRMATION[notice.processingConfirmedBy]]
      : [];
  return [
    'License processing was not complete when I stopped waiting; `verify` shows who is covered.',
    ...(notice.processingPending ?? []).map(
      (p) => `${nameInCard(p.name)} waited for ${p.waitingFor}.`
    ),
  ];
}
