import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerceTypes ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

// Query strings, path parameters and headers are text on the wire, so they are coerced to the
// schema's types. Bodies are JSON: a string where a number belongs is a client error, not a guess.
const coercing = makeAjv(true);
const exact = makeAjv(false);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? exact : coercing;
  return ajv.compile(schema as object) as ValidateFunction;
};

export function addSharedSchema(schema: { $id?: string }): void {
  for (const ajv of [coercing, exact]) if (schema.$id && !ajv.getSchema(schema.$id)) ajv.addSchema(schema);
}

/**
 * The validator a route's body schema gets, for data that arrives another way (an imported
 * catalog row): the same rules, the same compiler.
 */
export function bodyValidator(schema: object): ValidateFunction {
  return exact.compile(schema);
}
