import type { Attachment } from 'botbuilder';
import type { LicenseErrorRow } from '../../engine/list-license-errors';
import { count, plural, SAMPLE_ROWS } from './card-format';
import { summaryCard } from './summary-card';
import { nameInCard } from './typed-text';

/** The first members in license error, each with the cause and the fix. */
const errorRows = (rows: readonly LicenseErrorRow[]) =>
  rows.slice(0, SAMPLE_ROWS).map((r) => ({
    heading: `${r.userPrincipalName} in ${nameInCard(r.groupName)}: ${r.error}`,
    detail: `${r.cause} Fix: ${r.fix}`,
  }));

/** `errors`: every group member in license error (the first of them), or that there is none. */
export function errorsCard(rows: readonly LicenseErrorRow[]): Attachment {
  return summaryCard({
    title:
      rows.length === 0
        ? 'No group member is in license error'
        : `${plural(rows.length, 'group member is', 'group members are')} in license error`,
    color: rows.length === 0 ? 'Good' : 'Attention',
    rows: errorRows(rows),
    footer:
      rows.length > SAMPLE_ROWS
        ? `And ${count(rows.length - SAMPLE_ROWS)} more: \`report\` lists every user.`
        : rows.length > 0
          ? 'Their direct assignments stay until the error is fixed; then an admin says `reprocess`.'
          : '',
  });
}

/** The notice after group assignment found members in license error. */
export function licenseErrorsNoticeCard(rows: readonly LicenseErrorRow[]): Attachment {
  return summaryCard({
    title: `${count(rows.length)} group members are in license error`,
    color: 'Attention',
    rows: errorRows(rows),
    footer:
      rows.length > SAMPLE_ROWS
        ? `And ${rows.length - SAMPLE_ROWS} more: \`errors\` or \`report\`.`
        : 'Their direct assignments stay until the error is fixed.',
  });
}
