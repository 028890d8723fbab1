/**
 * Which read of the audit log the after-wave warnings cost least: the whole log since a moment, or one
 * filtered request per user in hand (those holding a direct license again, and the possible joiners).
 * Graph cannot leave the bot's own "Change user license" events out of a read (its `$filter` there has
 * no `ne`), so the whole log costs at least a page per `pageSize` of the bot's own removals since then;
 * the audit log allows 5 requests per 10 s, so every request counts. Pure: counts in, a choice out.
 */

/** The most audit entries Graph returns on one page (`$top`). */
export const AUDIT_PAGE_SIZE = 999;

export type AuditRead = 'about-users' | 'whole-log';

export function cheaperAuditRead(
  usersInHand: number,
  ownChangesSince: number,
  pageSize: number = AUDIT_PAGE_SIZE
): AuditRead {
  const wholeLogAtLeast = Math.max(1, Math.ceil(ownChangesSince / pageSize));
  return usersInHand <= wholeLogAtLeast ? 'about-users' : 'whole-log';
}
