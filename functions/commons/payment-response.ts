import type { HttpResult } from '#api/http/handler.js';
import { problemFor } from '#api/http/problem.js';
import { PaymentDeclinedError, type PaymentOutcome, type PaymentResult } from '#money';

const outcomeStatus: Record<PaymentOutcome, number> = { created: 201, ok: 200, declined: 402 };

/** A payment outcome as the merchant API answers it; a decline is 402 problem+json carrying the payment. */
export function paymentResponse(result: PaymentResult, instance: string): HttpResult {
  if (result.outcome !== 'declined') return { status: outcomeStatus[result.outcome], body: result.payment };
  const declineCode = result.payment.decline_code ?? 'declined';
  const problem = problemFor(new PaymentDeclinedError(declineCode, result.payment), instance);
  return { status: outcomeStatus.declined, body: problem, headers: { 'Content-Type': 'application/problem+json' } };
}
