import { allEventTypes, type AnyEventType } from '#notify';
import { ref } from './parts.js';

/**
 * The OpenAPI 3.1 `webhooks` section: one entry per event type, each a signed POST to the
 * merchant's endpoint as the Standard Webhooks specification defines it (lib/notify/webhooks/signing.ts).
 */
const standardWebhookHeaders = [
  { name: 'webhook-id', in: 'header', required: true, description: 'The event id (`evt_...`): the same on every retry, for deduplication.', schema: { type: 'string', pattern: '^evt_[0-9a-z]{26}$' } },
  { name: 'webhook-timestamp', in: 'header', required: true, description: 'Seconds since the Unix epoch when this attempt was signed; refuse ones too far from your clock.', schema: { type: 'string', pattern: '^[0-9]{1,12}$' } },
  {
    name: 'webhook-signature', in: 'header', required: true,
    description: 'Space-separated `v1,<base64 HMAC-SHA256>` signatures of `<webhook-id>.<webhook-timestamp>.<body>` with the endpoint\'s `whsec_` secret (two during the 24 hours after a rotation). Any Standard Webhooks library verifies it.',
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$' },
  },
];

const descriptions: Record<AnyEventType, string> = {
  'payment.authorized': 'A payment was authorized: its funds are held (manual capture) or capture follows.',
  'payment.declined': 'A payment was declined by the risk rules or for insufficient funds; `decline_code` says why.',
  'payment.processing': 'A payment was captured; its payout is on its way on chain.',
  'payment.succeeded': 'A payment\'s payout is confirmed on chain (`tx_hash`).',
  'payment.failed': 'A payment\'s payout failed for good and was compensated; `failure_code` says why.',
  'payment.canceled': 'An authorized payment, or a payout waiting for approval, was canceled, or its approval rejected, and its hold released.',
  'payment.expired': 'An authorized payment was not captured in time, or its approval expired, and its hold released.',
  'payment.requires_approval': 'A payment at or above the approval policy\'s threshold is held and waits for members\' approvals (`approval_id`).',
  'charge.created': 'A charge was created: its deposit addresses await the customer\'s payment.',
  'charge.pending': 'A payment to a charge was seen on chain; it is not final yet.',
  'charge.succeeded': 'A charge was paid in full (or, for a top-up, a deposit was credited) once final on chain.',
  'charge.underpaid': 'What reached a charge is final but below its amount; it stays payable until it expires.',
  'charge.expired': 'A charge expired; whatever arrived was credited and the charge flagged.',
  'charge.canceled': 'A charge was canceled before anything arrived.',
  'charge.deposit_reverted': 'A deposit seen on chain was dropped by a reorganisation before it was final; it was never credited.',
  'refund.created': 'A refund of a charge was accepted; its payout (`payout`) follows or waits for approval.',
  'refund.requires_approval': 'A refund at or above the approval policy\'s `refunds` threshold waits for members\' approvals (`approval_id`).',
  'refund.processing': 'A refund\'s payout is on its way on chain.',
  'refund.succeeded': 'A refund\'s payout is confirmed on chain (`tx_hash`).',
  'refund.failed': 'A refund\'s payout failed for good; its amount is back in the balance and refundable again; `failure_code` says why.',
  'refund.canceled': 'A refund held for approval was rejected, withdrawn or expired; its amount is refundable again.',
  'report.created': 'A report was requested (POST /v1/reports); its file is being written.',
  'report.ready': 'A report\'s file is written: GET /v1/reports/{id} gives a short-lived download URL.',
  'customer.verification.approved': 'A customer\'s identity verification was approved.',
  'customer.verification.rejected': 'A customer\'s identity verification was rejected; the decision says why.',
  'customer.verification.review': 'A customer\'s identity verification needs the platform operator\'s review.',
  'webhook_endpoint.failing': 'Deliveries to one of your endpoints keep failing.',
  'webhook_endpoint.disabled': 'One of your endpoints was disabled after failing for days.',
};

/** `payment.authorized` → `onPaymentAuthorized`. */
function operationId(type: string): string {
  return `on${type.split(/[._]/).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}`;
}

export function webhooksSection(): Record<string, unknown> {
  return Object.fromEntries(allEventTypes.map((type) => [type, {
    post: {
      operationId: operationId(type),
      summary: `Event ${type}`,
      description: `${descriptions[type]} Answer 2xx within 15 s; anything else is retried with backoff.`,
      tags: ['Webhook events'],
      security: [],
      parameters: standardWebhookHeaders,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { allOf: [ref('Event'), { properties: { type: { const: type } } }] } } },
      },
      responses: { '200': { description: 'Received (any 2xx will do)' } },
    },
  }]));
}
