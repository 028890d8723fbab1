import { badRequest } from './graph-error';

/** The OData system query options a collection or entity request may carry. */
export interface ODataQuery {
  readonly select: readonly string[] | null;
  readonly top: number | null;
  readonly skipToken: string | null;
  readonly filter: string | null;
  readonly count: boolean;
}

const MAX_DIRECTORY_PAGE = 999;

export function parseODataQuery(params: URLSearchParams): ODataQuery {
  const topText = params.get('$top');
  let top: number | null = null;
  if (topText !== null) {
    top = Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > MAX_DIRECTORY_PAGE) {
      throw badRequest(
        `Invalid page size specified: '${topText}'. Must be between 1 and ${MAX_DIRECTORY_PAGE} inclusive.`
      );
    }
  }
  const selectText = params.get('$select');
  const countText = params.get('$count');
  if (countText !== null && countText !== 'true' && countText !== 'false') {
    throw badRequest(`Invalid value '${countText}' for $count; expected true or false.`);
  }
  return {
    select: selectText === null ? null : selectText.split(',').map((name) => name.trim()),
    top,
    skipToken: params.get('$skiptoken') ?? params.get('$skipToken'),
    filter: params.get('$filter'),
    count: countText === 'true',
  };
}

/** Keeps only the selected properties, refusing names the entity type does not have, as Graph does. */
export function applySelect<T extends Record<string, unknown>>(
  entity: T,
  select: readonly string[] | null,
  defaults: readonly string[],
  typeName: string,
  known: ReadonlySet<string>
): Partial<T> {
  const wanted = select ?? defaults;
  for (const name of wanted) {
    if (!known.has(name)) {
      throw badRequest(`Could not find a property named '${name}' on type '${typeName}'.`);
    }
  }
  const result: Partial<T> = {};
  for (const name of wanted) {
    if (name in entity) (result as Record<string, unknown>)[name] = entity[name];
  }
  return result;
}

/** Opaque paging token: Graph's are opaque too, so callers must follow @odata.nextLink as given. */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodeSkipToken(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw badRequest('The $skiptoken is invalid or has expired.');
  return Number(match[1]);
}
