import { actorFromAuthorizer, profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import { authorizePayment, createPaymentBodySchema } from '#money';
import { parseIdempotencyKey, requestFingerprint } from '#platform';
import { paymentDeps } from '../commons/payment-deps.js';
import { paymentResponse } from '../commons/payment-response.js';

const deps = paymentDeps();

export const handler = httpHandler({ body: createPaymentBodySchema }, async (request) => {
  const key = parseIdempotencyKey(request.header('idempotency-key'), { required: true, route: 'every POST /v1/payments' })!;
  const result = await authorizePayment(deps, {
    merchant: profileFromAuthorizer(request.authorizer),
    idempotencyKey: key,
    fingerprint: requestFingerprint(request.route, request.body),
    body: request.body,
    actor: actorFromAuthorizer(request.authorizer),
  });
  return paymentResponse(result, '/v1/payments');
});
