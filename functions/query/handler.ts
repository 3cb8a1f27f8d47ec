import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { httpHandler } from '#api/http/handler.js';
import { listChains } from '#chains';
import { balanceTransactionsQuerySchema } from '#ledger';
import { eventIdPathSchema, getBalances, getPayment, listBalanceTransactionsWithHashes, listPayments, listPaymentsQuerySchema, paymentIdPathSchema } from '#money';
import { eventListQuerySchema, getEvent, listEvents, listObjectEvents } from '#notify';
import { paymentDeps } from '../commons/payment-deps.js';

const deps = paymentDeps();
const noQuery = z.strictObject({});

const routes: Record<string, (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>> = {
  '/v1/payments': httpHandler({ query: listPaymentsQuerySchema }, async (r) => ({ status: 200, body: await listPayments(deps, r.merchantId, r.query) })),
  '/v1/payments/{id}': httpHandler({ path: paymentIdPathSchema, query: noQuery }, async (r) => ({
    status: 200,
    body: await getPayment(deps, r.merchantId, r.path.id),
  })),
  '/v1/balances': httpHandler({ query: noQuery }, async (r) => ({ status: 200, body: await getBalances(deps, r.merchantId) })),
  '/v1/balance_transactions': httpHandler({ query: balanceTransactionsQuerySchema }, async (r) => ({
    status: 200,
    body: await listBalanceTransactionsWithHashes(deps, r.merchantId, r.query),
  })),
  // With object_id: the events about one object (a payment's timeline), read from the object's creation on.
  '/v1/events': httpHandler({ query: eventListQuerySchema }, async (r) => {
    const page = { limit: r.query.limit, ...(r.query.starting_after ? { startingAfter: r.query.starting_after } : {}) };
    return {
      status: 200,
      body: r.query.object_id ? await listObjectEvents(deps, r.merchantId, { objectId: r.query.object_id, ...page }) : await listEvents(deps, r.merchantId, page),
    };
  }),
  '/v1/events/{id}': httpHandler({ path: eventIdPathSchema, query: noQuery }, async (r) => ({
    status: 200,
    body: await getEvent(deps, r.merchantId, r.path.id),
  })),
  '/v1/chains': httpHandler({ query: noQuery }, async () => ({ status: 200, body: listChains(deps.chains) })),
  // Imported on first request: the document's schemas of every other route are built only then,
  // not at each cold start of the payment and event reads.
  '/v1/openapi.json': httpHandler({ authenticated: false }, async () => {
    const { openApiDocument } = await import('#api/openapi/document.js');
    return { status: 200, body: openApiDocument() };
  }),
};

/** Read-only routes of the merchant API, dispatched on the resource API Gateway matched. */
export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  const route = routes[event.resource];
  if (!route) throw new Error(`query: no route for ${event.resource}`);
  return route(event, context);
};
