import type { Attachment } from 'botbuilder';
import { moment, plural } from './card-format';
import { summaryCard } from './summary-card';

/** `report`'s answer, for the one who asked alone: the link to the CSV and until when it works. */
export function reportCard(rowCount: number, url: string, expiresAt: Date | string): Attachment {
  return summaryCard({
    title: 'Migration report',
    subtitle: `${plural(rowCount, 'row', 'rows')}: every direct assignment and what the migration decided or did.`,
    lines: [
      `[Download the CSV](${url}) (the link works until ${moment(expiresAt)}, for you alone: do not forward it).`,
    ],
  });
}
