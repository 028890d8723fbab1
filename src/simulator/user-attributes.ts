import { GraphError } from './graph-error';

/**
 * The organisational attributes of a user that dynamic membership rules read, beyond department and job
 * title: what tests and the running automation change to make people join, move and leave. Graph names
 * (user resource, v1.0); `officeLocation` is the rules' `physicalDeliveryOfficeName`.
 */
export interface UserAttributes {
  companyName: string | null;
  officeLocation: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  employeeId: string | null;
  /** extensionAttribute1–15 (onPremisesExtensionAttributes); unset ones are null. */
  onPremisesExtensionAttributes: Record<string, string | null>;
}

export const USER_ATTRIBUTE_NAMES = [
  'companyName',
  'officeLocation',
  'city',
  'state',
  'country',
  'employeeId',
] as const;

export const EXTENSION_ATTRIBUTE_NAMES = Array.from(
  { length: 15 },
  (_, i) => `extensionAttribute${i + 1}`
);

type AttributeName = (typeof USER_ATTRIBUTE_NAMES)[number];

/** Attributes as given (a fixture, or a POST /users body already checked), unset ones null. */
export function userAttributes(
  given: Partial<Record<AttributeName, string | null>> & {
    readonly onPremisesExtensionAttributes?: Readonly<Record<string, string | null>>;
  } = {}
): UserAttributes {
  return {
    companyName: given.companyName ?? null,
    officeLocation: given.officeLocation ?? null,
    city: given.city ?? null,
    state: given.state ?? null,
    country: given.country ?? null,
    employeeId: given.employeeId ?? null,
    onPremisesExtensionAttributes: Object.fromEntries(
      EXTENSION_ATTRIBUTE_NAMES.map((name) => [
        name,
        given.onPremisesExtensionAttributes?.[name] ?? null,
      ])
    ),
  };
}

/** Whether a request body property is one of these attributes. */
export function isUserAttributeProperty(property: string): boolean {
  return (
    (USER_ATTRIBUTE_NAMES as readonly string[]).includes(property) ||
    property === 'onPremisesExtensionAttributes'
  );
}

const invalid = (property: string) =>
  new GraphError(
    400,
    'Request_BadRequest',
    `Invalid value specified for property '${property}' of resource 'User'.`
  );

/**
 * Applies the attribute properties of a POST or PATCH /users body to `attributes`, checking each: a
 * string or null; onPremisesExtensionAttributes an object of extensionAttribute1–15, of which only the
 * given ones change (Graph merges a complex property on PATCH). Other properties are left to the caller.
 */
export function applyUserAttributeChanges(
  attributes: UserAttributes,
  body: Readonly<Record<string, unknown>>
): void {
  for (const name of USER_ATTRIBUTE_NAMES) {
    if (!(name in body)) continue;
    const value = body[name];
    if (value !== null && typeof value !== 'string') throw invalid(name);
    attributes[name] = value;
  }
  if (!('onPremisesExtensionAttributes' in body)) return;
  const extensions = body.onPremisesExtensionAttributes;
  if (extensions === null || typeof extensions !== 'object' || Array.isArray(extensions))
    throw invalid('onPremisesExtensionAttributes');
  for (const [name, value] of Object.entries(extensions)) {
    if (!EXTENSION_ATTRIBUTE_NAMES.includes(name) || (value !== null && typeof value !== 'string'))
      throw invalid(`onPremisesExtensionAttributes.${name}`);
  }
  Object.assign(attributes.onPremisesExtensionAttributes, extensions);
}
