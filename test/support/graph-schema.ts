import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

/** Validators for Graph types from the official v1.0 schema subset in ../shared/graph/. */
const schemaPath = join(
  __dirname,
  '..',
  '..',
  '..',
  'shared',
  'graph',
  'graph-licensing.schema.json'
);
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { $id: string };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(schema);

export function graphValidator(definition: string): ValidateFunction {
  const validate = ajv.getSchema(`${schema.$id}#/$defs/${definition}`);
  if (!validate) throw new Error(`No definition ${definition} in ${schemaPath}`);
  return validate;
}

/** Asserts the body validates against the named Graph definition, showing Ajv's errors if not. */
export function expectGraphShape(body: unknown, definition: string): void {
  const validate = graphValidator(definition);
  const valid = validate(body);
  expect({ valid, errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
}
