import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCustomer, getCustomer } from '../../lib/customers/customers.js';
import { eraseCustomerPii } from '../../lib/customers/erasure.js';
import type { Verification } from '../../lib/customers/schemas.js';
import { createVerification, readVerification } from '../../lib/customers/verifications.js';
import { fundedMerchant } from '../support/deps.js';
import { cleanIdentity, customerDeps } from '../support/kyc.js';

describe('customer changes at the same moment', () => {
  it('takes one of concurrent verifications and refuses the others precisely; the erasure racing them leaves none it preceded with PII', async () => {
    const deps = customerDeps();
    const { merchant_id } = await fundedMerchant(0n);
    const customer = await createCustomer(deps, { merchantId: merchant_id, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body: {} });

    const verifications = Array.from({ length: 4 }, () =>
      createVerification(deps, { merchantId: merchant_id, idempotencyKey: randomUUID(), fingerprint: randomUUID(), customerId: customer.id, body: cleanIdentity() }),
    );
    const [erasure, ...settled] = await Promise.allSettled([eraseCustomerPii(deps, merchant_id, customer.id), ...verifications]);

    expect(erasure.status, String((erasure as PromiseRejectedResult).reason)).toBe('fulfilled');
    const erasedAt = (erasure as PromiseFulfilledResult<Awaited<ReturnType<typeof eraseCustomerPii>>>).value.customer.pii_erased_at!;
    const refused = settled.filter((s) => s.status === 'rejected').map((s) => ((s as PromiseRejectedResult).reason as { code?: string }).code);
    // A second verification waits for the first one's decision; none is taken while the erasure runs.
    for (const code of refused) expect(['verification_processing', 'customer_erasing', 'concurrent_change']).toContain(code);
    const taken = settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<Verification>).value);
    for (const verification of taken) {
      const record = (await readVerification(deps, verification.id))!;
      if (verification.created_at <= erasedAt) expect(record.pii, verification.id).toBeUndefined();
    }
    expect((await getCustomer(deps, merchant_id, customer.id)).id).toBe(customer.id);
  });
});
