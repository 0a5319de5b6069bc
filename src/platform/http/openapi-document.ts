/**
 * The last pass over the generated OpenAPI document, so that it says what the server sends.
 * Fastify's schemas describe bodies; the rules that hold for every route live here once:
 * errors are problem documents, every route can meet a store that is away, a body can be too
 * large or not JSON, and a query parameter with a default may be left out.
 */

import { addExamples } from './openapi-examples.js';
import { addLinks } from './openapi-links.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

const STATUS_TEXT: Record<string, string> = {
  '400':
    'The request breaks a rule of its schema: malformed JSON, a wrong type, a missing or unknown ' +
    'property or query parameter, a value out of range, a path id that is not a UUID (`errors` lists each)',
  '401': 'No bearer token, or one that is malformed, expired, revoked or issued before a password change',
  '403': 'Authenticated but not allowed (another user’s data, an admin operation)',
  '404': 'Unknown or deleted resource',
  '409': 'Conflicts with the current state (see the operation’s description)',
  '412': 'If-Match is stale: the product has changed since that version',
  '413': 'The body is larger than the limit (1 MiB by default)',
  '415': 'The body is not application/json',
  '429': 'Too many attempts from this client; Retry-After says when to try again',
  '503': 'A store the operation needs is unreachable; Retry-After says when to try again',
};

const RETRY_AFTER = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer', minimum: 1 },
};

export function truthfulDocument(document: { openapiObject?: Json } | { swaggerObject?: Json }): Json {
  const openapiObject = ('openapiObject' in document ? document.openapiObject : undefined) ?? {};
  for (const [path, item] of Object.entries(openapiObject.paths ?? {}) as [string, Json][]) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (operation) amendOperation(path, operation);
    }
  }
  addLinks(openapiObject);
  for (const item of Object.values(openapiObject.paths ?? {}) as Json[]) {
    for (const method of METHODS) if (item[method]) addExamples(item[method] as Json);
  }
  return openapiObject;
}

function amendOperation(path: string, operation: Json): void {
  const responses: Json = (operation.responses ??= {});
  const parameters = (operation.parameters ?? []) as Json[];
  for (const parameter of parameters) {
    // The validator fills defaults in, so the parameter may be left out.
    if (parameter.in === 'query' && parameter.schema?.default !== undefined) parameter.required = false;
  }
  if (parameters.length > 0 || operation.requestBody) addStatus(responses, '400');
  if (operation.requestBody) {
    addStatus(responses, '413');
    addStatus(responses, '415');
  }
  if (operation.security) addStatus(responses, '401');
  // Every API operation reads or writes a store (the token's user, at least).
  if (path.startsWith('/api/')) addStatus(responses, '503');
  for (const [status, response] of Object.entries(responses) as [string, Json][]) {
    if (Number(status) < 400) continue;
    const content = response.content as Json | undefined;
    if (content?.['application/json']) {
      response.content = { 'application/problem+json': content['application/json'] };
    }
    if (STATUS_TEXT[status] && (!response.description || response.description === 'Default Response')) {
      response.description = STATUS_TEXT[status];
    }
    if (status === '429' || status === '503') response.headers = { 'Retry-After': RETRY_AFTER };
  }
}

function addStatus(responses: Json, status: string): void {
  responses[status] ??= {
    description: STATUS_TEXT[status],
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}
