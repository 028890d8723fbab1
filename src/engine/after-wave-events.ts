import type { LicenseChangeEvent } from '../domain/automation';
import { cheaperAuditRead } from '../domain/audit-read-plan';
import type { TenantReader } from './ports/tenant-reader';

/**
 * The "Change user license" events the after-wave warnings need, read the cheaper way: only about the
 * users in hand when they are fewer than the pages of the whole log since `since` (which holds at least
 * the bot's own `ownChangesSince` removals), else the whole log.
 */
export async function afterWaveEvents(
  reader: Pick<TenantReader, 'licenseChangeEvents' | 'licenseChangeEventsAbout'>,
  request: {
    readonly userIds: readonly string[];
    readonly since: Date;
    readonly ownChangesSince: number;
  }
): Promise<LicenseChangeEvent[]> {
  const { userIds, since, ownChangesSince } = request;
  if (
    reader.licenseChangeEventsAbout &&
    cheaperAuditRead(userIds.length, ownChangesSince) === 'about-users'
  )
    return userIds.length === 0 ? [] : reader.licenseChangeEventsAbout(userIds, since);
  return reader.licenseChangeEvents(since);
}
