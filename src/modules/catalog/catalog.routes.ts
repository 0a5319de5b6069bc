import { BearerAuth, problems, IdParams } from '../../platform/http/common.schemas.js';
import type { Authenticate } from '../../platform/http/principal.js';
import type { HttpServer } from '../../platform/http/server.js';
import type { CatalogService } from './catalog.service.js';
import { etagOf, matchesIfNoneMatch, parseIfMatch } from './etag.js';
import {
  CreateProductBody,
  IfMatchHeaders,
  PatchProductBody,
  ProductListQuery,
  ProductPage,
  ProductSchema,
} from './catalog.schemas.js';

type CatalogRouteDeps = { catalog: CatalogService; authenticate: Authenticate };

const tags = ['catalog'];

export function registerCatalogRoutes(app: HttpServer, deps: CatalogRouteDeps): void {
  app.addSchema(ProductSchema);
  registerProductCreation(app, deps);
  registerProductReads(app, deps);
  registerProductChanges(app, deps);
}

function registerProductCreation(app: HttpServer, { catalog, authenticate }: CatalogRouteDeps): void {
  app.post(
    '/api/v1/products',
    {
      preHandler: authenticate,
      schema: {
        tags,
        security: BearerAuth,
        summary: 'Create a product (admin)',
        body: CreateProductBody,
        response: { 201: { $ref: 'Product' }, ...problems(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const product = await catalog.create(request.principal!, request.body);
      return reply.code(201).header('ETag', etagOf(product.version)).send(product);
    },
  );
}

/** Listing, search and one product: no token needed. */
function registerProductReads(app: HttpServer, { catalog }: CatalogRouteDeps): void {
  app.get(
    '/api/v1/products',
    {
      schema: {
        tags,
        summary: 'List and search products',
        description:
          'search is full text over name, description, category and attribute values with Russian and English ' +
          'morphology, ranked by relevance. Ties in any order are broken by id. min_price above max_price is an empty page. ' +
          'Each API instance may answer from a cache of which products a page or search shows (and their cards), ' +
          'under the rule of GET /api/v1/products/{id}: a product created, edited or deleted through an instance ' +
          'is shown by that instance on the next page it answers, and by every other instance as soon as the ' +
          'database announces the change, never later than BAZAAR_PRODUCT_CACHE_TTL; stock moved by an order ' +
          'changes the cards shown, not which products a page shows.',
        querystring: ProductListQuery,
        response: { 200: ProductPage, ...problems(400) },
      },
    },
    async (request) => {
      const { limit, page } = request.query;
      return { ...(await catalog.list(request.query)), page, limit };
    },
  );

  app.get(
    '/api/v1/products/:id',
    {
      schema: {
        tags,
        summary: 'A product; the ETag header is its version (If-None-Match gives 304)',
        description:
          'Each API instance may answer from a cache of product cards, under one rule: a change acknowledged by ' +
          'an instance (an admin edit or delete, stock moved by an order or its cancellation) is shown by that ' +
          'instance at once, and by every other instance as soon as the database announces it (milliseconds; ' +
          'the figure is measured by `npm run bench`), never later than BAZAAR_PRODUCT_CACHE_TTL (5 s by default) ' +
          'even if an announcement is lost. An instance that cannot hear announcements reads every card fresh. ' +
          'Checkout, cart prices and stock reservation never read the cache.',
        params: IdParams,
        response: { 200: { $ref: 'Product' }, 304: { type: 'null' }, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const product = await catalog.get(request.params.id);
      reply.header('ETag', etagOf(product.version));
      if (matchesIfNoneMatch(request.headers['if-none-match'], product.version))
        return reply.code(304).send();
      return product;
    },
  );
}

function registerProductChanges(app: HttpServer, { catalog, authenticate }: CatalogRouteDeps): void {
  app.patch(
    '/api/v1/products/:id',
    {
      preHandler: authenticate,
      schema: {
        tags,
        security: BearerAuth,
        summary: 'Change a product (admin); If-Match makes it conditional',
        description:
          'Only the properties sent change. With If-Match, 412 when the product has moved past that ' +
          'version (GET it again, then retry); 409 when the new sku belongs to another product.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: PatchProductBody,
        response: { 200: { $ref: 'Product' }, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const product = await catalog.update(request.principal!, request.params.id, request.body, expected);
      return reply.header('ETag', etagOf(product.version)).send(product);
    },
  );

  app.delete(
    '/api/v1/products/:id',
    {
      preHandler: authenticate,
      schema: {
        tags,
        security: BearerAuth,
        summary: 'Delete a product (admin): it leaves listings and search; past orders keep their snapshot',
        params: IdParams,
        response: { 204: { type: 'null' }, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await catalog.delete(request.principal!, request.params.id);
      return reply.code(204).send();
    },
  );
}
