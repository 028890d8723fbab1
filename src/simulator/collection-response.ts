import { decodeSkipToken, encodeSkipToken, parseODataQuery } from './odata-query';
import type { RequestContext } from './routes/route';

/** Directory collections page at 100 unless $top asks otherwise, as Graph does. */
const DEFAULT_PAGE_SIZE = 100;

/**
 * A Graph collection body: one page of items (rendered by `view`), `@odata.count` when asked, and an absolute
 * `@odata.nextLink` (with an opaque $skiptoken) while more remain.
 */
export function collectionResponse<T>(
  context: RequestContext,
  entitySet: string,
  items: readonly T[],
  view: (item: T) => unknown = (item) => item
): Record<string, unknown> {
  const query = parseODataQuery(context.url.searchParams);
  const offset = query.skipToken ? decodeSkipToken(query.skipToken) : 0;
  const size = query.top ?? DEFAULT_PAGE_SIZE;
  const body: Record<string, unknown> = {
    '@odata.context': `${context.baseUrl}/v1.0/$metadata#${entitySet}`,
  };
  if (query.count) body['@odata.count'] = items.length;
  // Only the page is rendered: rendering every item for every page made a full read quadratic.
  body.value = items.slice(offset, offset + size).map(view);
  if (offset + size < items.length) {
    const next = new URL(context.url.toString());
    next.searchParams.delete('$skipToken');
    next.searchParams.set('$skiptoken', encodeSkipToken(offset + size));
    body['@odata.nextLink'] = `${context.baseUrl}${next.pathname}${next.search}`;
  }
  return body;
}

export function entityResponse(
  context: RequestContext,
  entitySet: string,
  entity: Record<string, unknown>
): Record<string, unknown> {
  return { '@odata.context': `${context.baseUrl}/v1.0/$metadata#${entitySet}/$entity`, ...entity };
}
