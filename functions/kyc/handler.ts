import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { actorFromAuthorizer, profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler, type HttpRequest } from '#api/http/handler.js';
import {
  createCustomer, createCustomerBodySchema, createVerification, createVerificationBodySchema, customerIdPathSchema,
  customerListQuerySchema, eraseCustomerPii, getCustomer, getVerification, keyedFingerprint, kycReviewsQuerySchema, listCustomers,
  listKycReviews, resolveBodySchema, resolveKycReview, resolvePathSchema, revealCustomerPii, verificationPathSchema,
} from '#compliance';
import { assertPlatformMerchant } from '#merchants';
import { parseIdempotencyKey, requestFingerprint } from '#platform';
import { customerDeps } from '../commons/customer-deps.js';

const deps = customerDeps();
const noQuery = z.strictObject({});

/** Every POST carries an Idempotency-Key, as for payments. */
function idempotency<B>(request: HttpRequest<B, unknown, unknown>) {
  const key = parseIdempotencyKey(request.header('idempotency-key'), { required: true, route: 'every POST of /v1/customers' })!;
  return { merchantId: request.merchantId, idempotencyKey: key, fingerprint: requestFingerprint(request.route, request.body) };
}

/** The platform operator's routes (the KYC review queue) answer others 403 `platform_only`. */
function platformOnly(request: HttpRequest<unknown, unknown, unknown>, route: string): void {
  assertPlatformMerchant(profileFromAuthorizer(request.authorizer), route);
}

type Route = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;
const routes: Record<string, Route> = {
  'POST /v1/customers': httpHandler({ body: createCustomerBodySchema, query: noQuery }, async (r) => ({
    status: 201, body: await createCustomer(deps, { ...idempotency(r), body: r.body }),
  })),
  'GET /v1/customers': httpHandler({ query: customerListQuerySchema }, async (r) => ({
    status: 200, body: await listCustomers(deps, r.merchantId, { limit: r.query.limit, startingAfter: r.query.starting_after }),
  })),
  'GET /v1/customers/{id}': httpHandler({ path: customerIdPathSchema, query: noQuery }, async (r) => ({
    status: 200, body: await getCustomer(deps, r.merchantId, r.path.id),
  })),
  'POST /v1/customers/{id}/verifications': httpHandler({ path: customerIdPathSchema, body: createVerificationBodySchema, query: noQuery }, async (r) => {
    const request = idempotency(r);
    const fingerprint = await keyedFingerprint(deps, request.fingerprint);
    return { status: 202, body: await createVerification(deps, { ...request, fingerprint, customerId: r.path.id, body: r.body }) };
  }),
  'GET /v1/customers/{id}/verifications/{verification}': httpHandler({ path: verificationPathSchema, query: noQuery }, async (r) => ({
    status: 200, body: await getVerification(deps, r.merchantId, r.path.id, r.path.verification),
  })),
  'DELETE /v1/customers/{id}/pii': httpHandler({ path: customerIdPathSchema, query: noQuery }, async (r) => {
    const erasure = await eraseCustomerPii(deps, r.merchantId, r.path.id);
    return { status: erasure.complete ? 200 : 202, body: erasure.customer };
  }),
  // Audited: the reveal is recorded, naming who asked, before the data is opened.
  'GET /v1/customers/{id}/pii': httpHandler({ path: customerIdPathSchema, query: noQuery }, async (r) => ({
    status: 200, body: await revealCustomerPii(deps, { merchantId: r.merchantId, customerId: r.path.id, actor: actorFromAuthorizer(r.authorizer) }),
  })),
  'GET /v1/kyc/reviews': httpHandler({ query: kycReviewsQuerySchema }, async (r) => {
    platformOnly(r, 'GET /v1/kyc/reviews');
    return { status: 200, body: await listKycReviews(deps, r.query) };
  }),
  'POST /v1/kyc/verifications/{id}/resolve': httpHandler({ path: resolvePathSchema, body: resolveBodySchema, query: noQuery }, async (r) => {
    platformOnly(r, 'POST /v1/kyc/verifications/{id}/resolve');
    return { status: 200, body: await resolveKycReview(deps, { verificationId: r.path.id, ...r.body, actor: actorFromAuthorizer(r.authorizer) }) };
  }),
};

/** The customer API, dispatched on method and the resource API Gateway matched. */
export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  const route = routes[`${event.httpMethod} ${event.resource}`];
  if (!route) throw new Error(`kyc: no route for ${event.httpMethod} ${event.resource}`);
  return route(event, context);
};
