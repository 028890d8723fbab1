import { parseAuditFilter } from '../audit-filter';
import { collectionResponse } from '../collection-response';
import { parseODataQuery } from '../odata-query';
import { route, type Route, type SimulatorState } from './route';

/** An opaque part of @odata.nextLink: how many entries the log held when the paged read began. */
const SNAPSHOT = 'snapshot';

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
      const url = new URL(context.url.toString());
      url.searchParams.set(SNAPSHOT, String(upTo));
      return collectionResponse(
        { ...context, url },
        'auditLogs/directoryAudits',
        directory.audit.list(upTo).filter(matches)
      );
    }),
  ];
}
