import type { PaymentDeps } from '../payments/deps.js';

/** What refunds need beyond payments: where claim pages are served (a claim's `claim_url` is `<base>/<claim id>`). */
export interface RefundDeps extends PaymentDeps {
  claimBaseUrl: string;
}
