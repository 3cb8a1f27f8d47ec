import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { actorFromAuthorizer, profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import {
  chargeRefundsPathSchema, createRefund, createRefundBodySchema, getRefund, listChargeRefunds, listRefunds, refundIdPathSchema,
  refundListQuerySchema,
} from '#money';
import { parseIdempotencyKey, requestFingerprint } from '#platform';
import { paymentDeps } from '../commons/payment-deps.js';

const deps = paymentDeps();
const noQuery = z.strictObject({});
const pageOf = (query: { limit: number; starting_after?: string | undefined }) => ({ limit: query.limit, ...(query.starting_after ? { startingAfter: query.starting_after } : {}) });

const routes: Record<string, (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>> = {
  'POST /v1/charges/{id}/refunds': httpHandler({ path: chargeRefundsPathSchema, body: createRefundBodySchema }, async (r) => {
    const key = parseIdempotencyKey(r.header('idempotency-key'), { required: true, route: 'every POST /v1/charges/{id}/refunds' })!;
    const result = await createRefund(deps, {
      merchant: profileFromAuthorizer(r.authorizer), chargeId: r.path.id, idempotencyKey: key,
      fingerprint: requestFingerprint(r.route, { charge: r.path.id, ...r.body }), body: r.body, actor: actorFromAuthorizer(r.authorizer),
    });
    return { status: result.outcome === 'created' ? 201 : 200, body: result.refund };
  }),
  'GET /v1/charges/{id}/refunds': httpHandler({ path: chargeRefundsPathSchema, query: refundListQuerySchema }, async (r) => ({
    status: 200, body: await listChargeRefunds(deps, r.merchantId, r.path.id, pageOf(r.query)),
  })),
  'GET /v1/refunds': httpHandler({ query: refundListQuerySchema }, async (r) => ({ status: 200, body: await listRefunds(deps, r.merchantId, pageOf(r.query)) })),
  'GET /v1/refunds/{id}': httpHandler({ path: refundIdPathSchema, query: noQuery }, async (r) => ({ status: 200, body: await getRefund(deps, r.merchantId, r.path.id) })),
};

export const handler = async (http: APIGatewayProxyEvent, context: Context) => {
  const route = routes[`${http.httpMethod} ${http.resource}`];
  if (!route) throw new Error(`refunds: no route for ${http.httpMethod} ${http.resource}`);
  return route(http, context);
};
