import { httpHandler } from '../../lib/http/handler.js';
import { parseIdempotencyKey, requestFingerprint } from '../../lib/idempotency/store.js';
import { actorFromAuthorizer, profileFromAuthorizer } from '../../lib/merchants/authorizer-context.js';
import { authorizePayment } from '../../lib/payments/authorize.js';
import { createPaymentBodySchema } from '../../lib/payments/schemas.js';
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
