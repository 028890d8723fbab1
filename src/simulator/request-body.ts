import { GraphError } from './graph-error';

/** Checks on request bodies, answered with Graph's 400 Request_BadRequest wording. */

const invalid = (property: string, resource: string) =>
  new GraphError(
    400,
    'Request_BadRequest',
    `Invalid value specified for property '${property}' of resource '${resource}'.`
  );

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'
    );
  }
  return body as Record<string, unknown>;
}

export function requiredProperty(
  body: Record<string, unknown>,
  property: string,
  resource: string
): unknown {
  if (!(property in body) || body[property] === undefined || body[property] === null) {
    throw new GraphError(
      400,
      'Request_BadRequest',
      `Property '${property}' is required for resource '${resource}' but is missing.`
    );
  }
  return body[property];
}

export function stringProperty(
  body: Record<string, unknown>,
  property: string,
  resource: string
): string {
  const value = requiredProperty(body, property, resource);
  if (typeof value !== 'string' || value.trim() === '') throw invalid(property, resource);
  return value;
}

export function booleanProperty(
  body: Record<string, unknown>,
  property: string,
  resource: string
): boolean {
  const value = requiredProperty(body, property, resource);
  if (typeof value !== 'boolean') throw invalid(property, resource);
  return value;
}

export function arrayProperty(
  body: Record<string, unknown>,
  property: string,
  resource: string
): unknown[] {
  const value = requiredProperty(body, property, resource);
  if (!Array.isArray(value)) throw invalid(property, resource);
  return value;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The assignLicense body, bound to users and groups alike: both collections required. */
export function assignLicenseBody(
  body: unknown,
  resource: 'User' | 'Group'
): { add: { skuId: string; disabledPlans: string[] }[]; remove: string[] } {
  const object = bodyObject(body);
  const add = arrayProperty(object, 'addLicenses', resource).map((entry) => {
    const license = bodyObject(entry);
    const skuId = license.skuId;
    const disabledPlans = license.disabledPlans ?? [];
    if (typeof skuId !== 'string' || !GUID.test(skuId)) throw invalid('skuId', 'AssignedLicense');
    if (
      !Array.isArray(disabledPlans) ||
      !disabledPlans.every((p) => typeof p === 'string' && GUID.test(p))
    ) {
      throw invalid('disabledPlans', 'AssignedLicense');
    }
    return { skuId, disabledPlans: disabledPlans as string[] };
  });
  const remove = arrayProperty(object, 'removeLicenses', resource).map((skuId) => {
    if (typeof skuId !== 'string' || !GUID.test(skuId)) throw invalid('removeLicenses', resource);
    return skuId;
  });
  return { add, remove };
}
