import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { cancelCharge, createCharge } from '../../lib/charges/create.js';
import { expireDueCharges } from '../../lib/charges/expire.js';
import { getMerchantCharge, listChargeDeposits, listCharges } from '../../lib/charges/query.js';
import { cancelChargeBodySchema, chargeIdPathSchema, chargeListQuerySchema, createChargeBodySchema, depositListQuerySchema } from '../../lib/charges/schemas.js';
import { httpHandler } from '../../lib/http/handler.js';
import { parseIdempotencyKey, requestFingerprint } from '../../lib/idempotency/store.js';
import { actorFromAuthorizer, profileFromAuthorizer } from '../../lib/merchants/authorizer-context.js';
import { chargeDeps } from '../commons/charge-deps.js';
import { expirySweep, orScheduled } from '../commons/scheduled.js';

const deps = chargeDeps();
const noQuery = z.strictObject({});

const routes: Record<string, (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>> = {
  'POST /v1/charges': httpHandler({ body: createChargeBodySchema }, async (r) => {
    const key = parseIdempotencyKey(r.header('idempotency-key'), { required: true, route: 'every POST /v1/charges' })!;
    const result = await createCharge(deps, { merchant: profileFromAuthorizer(r.authorizer), idempotencyKey: key, fingerprint: requestFingerprint(r.route, r.body), body: r.body, actor: actorFromAuthorizer(r.authorizer) });
    return { status: result.outcome === 'created' ? 201 : 200, body: result.charge };
  }),
  'GET /v1/charges': httpHandler({ query: chargeListQuerySchema }, async (r) => ({
    status: 200,
    body: await listCharges(deps, r.merchantId, { limit: r.query.limit, ...(r.query.starting_after ? { startingAfter: r.query.starting_after } : {}) }),
  })),
  'GET /v1/charges/{id}': httpHandler({ path: chargeIdPathSchema, query: noQuery }, async (r) => ({
    status: 200,
    body: (await getMerchantCharge(deps, r.merchantId, r.path.id)).charge,
  })),
  'GET /v1/charges/{id}/deposits': httpHandler({ path: chargeIdPathSchema, query: depositListQuerySchema }, async (r) => ({
    status: 200,
    body: await listChargeDeposits(deps, r.merchantId, r.path.id, { limit: r.query.limit, ...(r.query.starting_after ? { startingAfter: r.query.starting_after } : {}) }),
  })),
  'POST /v1/charges/{id}/cancel': httpHandler({ path: chargeIdPathSchema, body: cancelChargeBodySchema }, async (r) => ({
    status: 200,
    body: (await cancelCharge(deps, r.merchantId, r.path.id, actorFromAuthorizer(r.authorizer))).charge,
  })),
};

const expireCharges = expirySweep(() => expireDueCharges(deps), { metric: 'ChargesExpired', finished: 'charge expiry sweep finished' });

/** One function, two triggers: the charges API and the expiry schedule. */
export const handler = orScheduled('expire-charges', expireCharges, async (http: APIGatewayProxyEvent, context: Context) => {
  const route = routes[`${http.httpMethod} ${http.resource}`];
  if (!route) throw new Error(`charges: no route for ${http.httpMethod} ${http.resource}`);
  return route(http, context);
});
