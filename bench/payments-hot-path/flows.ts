import { randomBytes, randomUUID } from 'node:crypto';
import type { MerchantProfile } from '#lib/merchants/profile.js';
import { authorizePayment, type AuthorizeRequest, type PaymentResult } from '#lib/money/payments/authorize.js';
import type { PaymentDeps } from '#lib/money/payments/deps.js';
import type { CreatePaymentBody } from '#lib/money/payments/schemas.js';
import { settlePayment } from '#lib/money/payments/settle.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';

/** One POST /v1/payments as the handler hands it to authorizePayment; kept so it can be replayed. */
export type Ticket = AuthorizeRequest;

export interface CaptureRequest {
  merchant: MerchantProfile;
  paymentId: string;
  idempotencyKey: string;
  fingerprint: string;
}

/** The same three operations, implemented on Lanepay's idempotency store or on Powertools'. */
export interface PaymentFlow {
  name: string;
  /** DynamoDB requests this flow has sent so far. */
  requests(): number;
  authorize(ticket: Ticket): Promise<PaymentResult>;
  capture(request: CaptureRequest): Promise<PaymentResult>;
}

/**
 * 1 USDC to a fresh destination each time: far below every limit and the KYC threshold (so no KYC
 * read), and the destination's velocity item is never shared, leaving the merchant's account and
 * velocity items as the only per-merchant hot items.
 */
export function newTicket(merchant: MerchantProfile, chain: string, capture: CreatePaymentBody['capture']): Ticket {
  const body: CreatePaymentBody = { amount: '1000000', asset: 'USDC', chain, destination: `0x${randomBytes(20).toString('hex')}`, capture };
  return { merchant, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', body), body };
}

export function newCapture(merchant: MerchantProfile, paymentId: string): CaptureRequest {
  return { merchant, paymentId, idempotencyKey: randomUUID(), fingerprint: requestFingerprint(`POST /v1/payments/${paymentId}/capture`, {}) };
}

/** Lanepay as shipped: its own idempotency store, the completion written inside the payment's transaction. */
export function lanepayFlow(deps: PaymentDeps, requests: () => number): PaymentFlow {
  return {
    name: 'lanepay',
    requests,
    authorize: (ticket) => authorizePayment(deps, ticket),
    capture: (request) =>
      settlePayment(deps, {
        merchant: request.merchant,
        paymentId: request.paymentId,
        action: { kind: 'capture' },
        idempotency: { key: request.idempotencyKey, fingerprint: request.fingerprint },
      }),
  };
}
