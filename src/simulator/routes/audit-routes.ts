import { parseAuditFilter } from '../audit-filter';
import { collectionResponse } from '../collection-response';
import { parseODataQuery } from '../odata-query';
import { route, type Route, type SimulatorState } from './route';

/** GET /auditLogs/directoryAudits: newest first, with the $filter forms Graph documents. */
export function auditRoutes({ directory }: SimulatorState): Route[] {
  return [
    route('GET', '/auditLogs/directoryAudits', (context) => {
      const matches = parseAuditFilter(parseODataQuery(context.url.searchParams).filter);
      return collectionResponse(
        context,
        'auditLogs/directoryAudits',
        directory.audit.list().filter(matches)
      );
    }),
  ];
}
