/**
 * OpenAPI links: which response gives the id another operation needs. Clients (and stateful
 * fuzzers) follow them from a created product, user or order to the operations on it.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface LinkSource {
  method: string;
  path: string;
  status: string;
  /** Runtime expression of the id in the response. */
  id: string;
  targets: { method: string; path: string; parameter: string }[];
}

const ON_USER: LinkSource['targets'] = [
  { method: 'get', path: '/api/v1/users/{id}', parameter: 'id' },
  { method: 'patch', path: '/api/v1/users/{id}', parameter: 'id' },
  { method: 'get', path: '/api/v1/users/{userId}/cart', parameter: 'userId' },
  { method: 'delete', path: '/api/v1/users/{userId}/cart', parameter: 'userId' },
  { method: 'get', path: '/api/v1/users/{userId}/orders', parameter: 'userId' },
  { method: 'get', path: '/api/v1/users/{userId}/notifications', parameter: 'userId' },
  { method: 'delete', path: '/api/v1/users/{id}', parameter: 'id' },
];

/** Reading, changing and deleting the item a collection's POST made. */
const onItem = (collection: string): LinkSource['targets'] =>
  ['get', 'patch', 'delete'].map((method) => ({
    method,
    path: `/api/v1/${collection}/{id}`,
    parameter: 'id',
  }));

const LINKS: LinkSource[] = [
  { method: 'post', path: '/api/v1/users', status: '201', id: '$response.body#/id', targets: ON_USER },
  { method: 'get', path: '/api/v1/users/me', status: '200', id: '$response.body#/id', targets: ON_USER },
  {
    method: 'post',
    path: '/api/v1/products',
    status: '201',
    id: '$response.body#/id',
    targets: onItem('products'),
  },
  {
    method: 'post',
    path: '/api/v1/orders',
    status: '201',
    id: '$response.body#/id',
    targets: onItem('orders'),
  },
];

/** Gives every operation an operationId (getProductsById) and adds the links above. */
export function addLinks(document: Json): void {
  const paths = (document.paths ?? {}) as Record<string, Json>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item) as [string, Json][]) {
      if (typeof operation === 'object' && operation.responses)
        operation.operationId ??= operationId(method, path);
    }
  }
  for (const source of LINKS) {
    const response = paths[source.path]?.[source.method]?.responses?.[source.status] as Json | undefined;
    if (!response) continue;
    const links: Json = (response.links ??= {});
    for (const target of source.targets) {
      const operation = paths[target.path]?.[target.method] as Json | undefined;
      if (!operation?.operationId) continue;
      links[operation.operationId] = {
        operationId: operation.operationId,
        parameters: { [target.parameter]: source.id },
      };
    }
  }
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1/, '')
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      const word = param ? `By-${param[1]}` : segment;
      return word
        .split(/[-_]/)
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('');
    });
  return method + words.join('');
}
