import { parseAuditFilter } from '../audit-filter';
import { collectionResponse } from '../collection-response';
import { parseODataQuery } from '../odata-query';
import { route, type Route, type SimulatorState } from './route';

/** An opaque part of @odata.nextLink: how many entries the log held when the paged read began. */
const SNAPSHOT = 'snapshot';
/** Another: the simulated moment of the first page, so entries arriving meanwhile cannot shift pages. */
const AS_OF = 'asof';

/**
 * GET /auditLogs/directoryAudits: newest first, with the $filter forms Graph documents. Paging reads the
 * log as it stood at the first page, so entries written meanwhile cannot shift pages and repeat.
 */
export function auditRoutes({ directory }: SimulatorState): Route[] {
  return [
    route('GET', '/auditLogs/directoryAudits', (context) => {
      const matches = parseAuditFilter(parseODataQuery(context.url.searchParams).filter);
      const pinned = Number(context.url.searchParams.get(SNAPSHOT));
      const upTo =
        Number.isInteger(pinned) && pinned > 0
          ? Math.min(pinned, directory.audit.size)
          : directory.audit.size;
      const pinnedAt = Number(context.url.searchParams.get(AS_OF));
      const asOf =
        Number.isInteger(pinnedAt) && pinnedAt > 0 ? pinnedAt : directory.now().getTime();
      const url = new URL(context.url.toString());
      url.searchParams.set(SNAPSHOT, String(upTo));
      url.searchParams.set(AS_OF, String(asOf));
      return collectionResponse(
        { ...context, url },
        'auditLogs/directoryAudits',
        directory.audit.list(upTo, asOf).filter(matches)
      );
    }),
  ];
}
