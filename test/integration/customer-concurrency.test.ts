import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCustomer, getCustomer } from '../../lib/customers/customers.js';
import { createVerification, eraseCustomerPii } from '../../lib/customers/verifications.js';
import { fundedMerchant } from '../support/deps.js';
import { cleanIdentity, customerDeps } from '../support/kyc.js';

describe('customer changes at the same moment', () => {
  it('accepts concurrent verifications and an erasure of one customer without a server error, each re-reading the customer it changes', async () => {
    const deps = customerDeps();
    const { merchant_id } = await fundedMerchant(0n);
    const customer = await createCustomer(deps, { merchantId: merchant_id, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body: {} });

    const settled = await Promise.allSettled([
      ...Array.from({ length: 4 }, () =>
        createVerification(deps, { merchantId: merchant_id, idempotencyKey: randomUUID(), fingerprint: randomUUID(), customerId: customer.id, body: cleanIdentity() }),
      ),
      eraseCustomerPii(deps, merchant_id, customer.id),
    ]);

    const failures = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason as { code?: string });
    // Each either went through on a fresh read or was told to send again (409); none is a bug.
    for (const failure of failures) expect(failure.code).toBe('concurrent_change');
    expect(failures.length).toBeLessThan(settled.length);
    expect((await getCustomer(deps, merchant_id, customer.id)).id).toBe(customer.id);
  });
});
