import { z } from 'zod';
import { httpHandler } from '../../lib/http/handler.js';
import { requestFingerprint } from '../../lib/idempotency/store.js';
import { profileFromAuthorizer } from '../../lib/merchants/authorizer-context.js';
import { authorizePayment } from '../../lib/payments/authorize.js';
import { createPaymentBodySchema } from '../../lib/payments/schemas.js';
import { ValidationError } from '../../lib/errors/index.js';
import { paymentDeps } from '../commons/payment-deps.js';
import { paymentResponse } from '../commons/payment-response.js';

const deps = paymentDeps();
const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/);

export const handler = httpHandler({ body: createPaymentBodySchema }, async (request) => {
  const key = request.header('idempotency-key');
  if (!key || !idempotencyKeySchema.safeParse(key).success) {
    throw new ValidationError('Send an Idempotency-Key header (1-255 printable ASCII characters, e.g. a UUID) with every POST /v1/payments.', [
      { field: 'Idempotency-Key', message: key ? 'must be 1-255 printable ASCII characters' : 'is required' },
    ]);
  }
  const result = await authorizePayment(deps, {
    merchant: profileFromAuthorizer(request.authorizer),
    idempotencyKey: key,
    fingerprint: requestFingerprint(request.route, request.body),
    body: request.body,
  });
  return paymentResponse(result, '/v1/payments');
});
