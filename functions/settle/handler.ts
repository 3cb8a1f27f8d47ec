import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { ValidationError } from '../../lib/errors/index.js';
import { httpHandler } from '../../lib/http/handler.js';
import { parseIdempotencyKey, requestFingerprint } from '../../lib/idempotency/store.js';
import { actorFromAuthorizer, profileFromAuthorizer } from '../../lib/merchants/authorizer-context.js';
import { captureBodySchema, paymentIdPathSchema } from '../../lib/payments/schemas.js';
import { expireDueHolds, settlePayment, type SettleAction } from '../../lib/payments/settle.js';
import { paymentDeps } from '../commons/payment-deps.js';
import { paymentResponse } from '../commons/payment-response.js';
import { expirySweep, orScheduled } from '../commons/scheduled.js';

const deps = paymentDeps();

const http = httpHandler({ body: captureBodySchema, path: paymentIdPathSchema }, async (request) => {
  const action: SettleAction = request.route.endsWith('/capture')
    ? { kind: 'capture', ...(request.body.amount ? { amountMinor: BigInt(request.body.amount) } : {}) }
    : { kind: 'cancel' };
  if (action.kind === 'cancel' && request.body.amount !== undefined) {
    // One schema serves both routes; a cancel takes no body fields.
    throw new ValidationError('A cancel takes no amount.', [{ field: 'amount', message: 'is not allowed on cancel' }]);
  }
  const key = parseIdempotencyKey(request.header('idempotency-key'), { required: false, route: `POST ${request.route.split(' ')[1]}` });
  const result = await settlePayment(deps, {
    merchant: profileFromAuthorizer(request.authorizer),
    paymentId: request.path.id,
    action,
    actor: actorFromAuthorizer(request.authorizer),
    ...(key ? { idempotency: { key, fingerprint: requestFingerprint(request.route, request.body) } } : {}),
  });
  return paymentResponse(result, `/v1/payments/${request.path.id}`);
});

const expireHolds = expirySweep(() => expireDueHolds(deps), { metric: 'HoldsExpired', finished: 'expiry sweep finished' });

/** One function, two triggers: the REST API (capture, cancel) and the expiry schedule. */
export const handler = orScheduled('expire-holds', expireHolds, (event: APIGatewayProxyEvent, context: Context) => http(event, context));
