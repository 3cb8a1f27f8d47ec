import { actorFromAuthorizer, profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import { authorizePayment, createPaymentBodySchema } from '#money';
import { logger, parseIdempotencyKey, requestFingerprint } from '#platform';
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
  // The invocation's lines from here on name the payment (a temporary key: reset after the invocation).
  logger.appendKeys({ payment_id: result.payment.id });
  logger.info('payment authorized', { outcome: result.outcome, status: result.payment.status });
  return paymentResponse(result, '/v1/payments');
});
