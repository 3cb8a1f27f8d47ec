import type { PaymentResult } from '../../lib/payments/authorize.js';
import type { PaymentOutcome } from '../../lib/payments/deps.js';
import type { HttpResult } from '../../lib/http/handler.js';
import { problemFor } from '../../lib/http/problem.js';
import { PaymentDeclinedError } from '../../lib/payments/errors.js';

const outcomeStatus: Record<PaymentOutcome, number> = { created: 201, ok: 200, declined: 402 };

/** A payment outcome as the merchant API answers it; a decline is 402 problem+json carrying the payment. */
export function paymentResponse(result: PaymentResult, instance: string): HttpResult {
  if (result.outcome !== 'declined') return { status: outcomeStatus[result.outcome], body: result.payment };
  const declineCode = result.payment.decline_code ?? 'declined';
  const problem = problemFor(new PaymentDeclinedError(declineCode, result.payment), instance);
  return { status: outcomeStatus.declined, body: problem, headers: { 'Content-Type': 'application/problem+json' } };
}
