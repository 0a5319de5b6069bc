/**
 * Examples for the document: each parameter by its name, and a response for the operations that
 * take no input. With the request bodies' own examples (in their schemas), every operation has one.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ID = '01935f4e-8c1a-7b3e-9f00-2a5b6c7d8e9f';

const PARAMETERS: Record<string, unknown> = {
  id: ID,
  userId: ID,
  productId: '01935f4e-8c1a-7b3e-9f00-3b6c7d8e9fa0',
  limit: 20,
  page: 1,
  search: 'платья',
  category: 'Одежда',
  min_price: 100000,
  max_price: 500000,
  sort: 'price',
  sort_order: 'asc',
  status: 'paid',
  'idempotency-key': 'checkout-2026-11-30-0001',
  'if-match': '"3"',
};

const USER = {
  id: ID,
  email: 'anna@example.com',
  name: 'Анна',
  role: 'customer',
  created_at: '2026-11-21T18:00:00.000Z',
  updated_at: '2026-11-21T18:00:00.000Z',
};

const RESPONSES: Record<string, { type: string; example: unknown }> = {
  getHealth: { type: 'application/json', example: { status: 'ok' } },
  getReady: { type: 'application/json', example: { status: 'ready', stores: { postgres: 'up' } } },
  getMetrics: {
    type: 'text/plain',
    example: 'bazaar_http_requests_total{route="/api/v1/products",method="GET",status="200"} 42\n',
  },
  getClientInfo: {
    type: 'application/json',
    example: {
      ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
      accept_language: 'ru-RU,ru;q=0.9',
      forwarded_for: null,
      device: 'mobile',
      served_by: 'api:0',
    },
  },
  getUsersMe: { type: 'application/json', example: USER },
};

export function addExamples(operation: Json): void {
  for (const parameter of (operation.parameters ?? []) as Json[]) {
    if (parameter.example === undefined && parameter.examples === undefined && parameter.name in PARAMETERS)
      parameter.example = PARAMETERS[parameter.name];
  }
  const response = RESPONSES[operation.operationId as string];
  const ok = operation.responses?.['200'] as Json | undefined;
  if (!response || !ok) return;
  // /metrics declares no schema: its body is Prometheus's text format.
  ok.content ??= { [response.type]: { schema: { type: 'string' } } };
  const media = ok.content[response.type] as Json | undefined;
  if (media && media.example === undefined) media.example = response.example;
}
