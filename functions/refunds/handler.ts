import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { actorFromAuthorizer, profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import {
  chargeRefundsPathSchema, claimBodySchema, claimPathSchema, createRefund, createRefundBodySchema, getRefund, listChargeRefunds, listRefunds,
  refundIdPathSchema, refundListQuerySchema, submitClaim, type RefundDeps,
} from '#money';
import { loadConfig, parseIdempotencyKey, refundsConfigSchema, requestFingerprint } from '#platform';
import { paymentDeps } from '../commons/payment-deps.js';

const deps: RefundDeps = { ...paymentDeps(), claimBaseUrl: loadConfig(refundsConfigSchema).REFUND_CLAIM_BASE_URL.replace(/\/$/, '') };
const noQuery = z.strictObject({});
let claimPage: Promise<(event: APIGatewayProxyEvent, context: Context) => Promise<unknown>> | undefined;
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
  // A refund's claim page and its claim: public, the claim id is the link's secret (docs/refunds.md).
  'GET /claims/{id}': async (event, context) => (await (claimPage ??= import('./claim-page.js').then((page) => page.claimPageRoute(deps))))(event, context),
  'POST /claims/{id}': httpHandler({ path: claimPathSchema, body: claimBodySchema, authenticated: false }, async (r) => ({
    status: 200, body: await submitClaim(deps, { claimId: r.path.id, address: r.body.address, signature: r.body.signature }), headers: { 'Cache-Control': 'no-store' },
  })),
};

export const handler = async (http: APIGatewayProxyEvent, context: Context) => {
  const route = routes[`${http.httpMethod} ${http.resource}`];
  if (!route) throw new Error(`refunds: no route for ${http.httpMethod} ${http.resource}`);
  return route(http, context);
};
