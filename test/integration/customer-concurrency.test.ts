import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCustomer, getCustomer } from '../../lib/customers/customers.js';
import type { CustomerDeps } from '../../lib/customers/deps.js';
import { eraseCustomerPii } from '../../lib/customers/erasure.js';
import { CustomerErasingError, VerificationProcessingError } from '../../lib/customers/errors.js';
import type { Verification } from '../../lib/customers/schemas.js';
import { createVerification, readVerification } from '../../lib/customers/verifications.js';
import { fundedMerchant } from '../support/deps.js';
import { cleanIdentity, customerDeps } from '../support/kyc.js';

/**
 * Holds the `nth` TransactWriteItems `client` sends (retries of one send count once) until
 * `release()`; `reached` resolves when it is held. The order of two writers is then the test's
 * choice, not the scheduler's.
 */
function holdTransaction(client: DynamoDBClient, nth: number) {
  let sent = 0;
  let release!: () => void;
  let reached!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = new Promise<void>((resolve) => (reached = resolve));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && ++sent === nth) {
        reached();
        await released;
      }
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'testHoldTransaction' },
  );
  return { reached: held, release };
}

/**
 * A request's deps with clients of its own, as another Lambda container has. No kyc-check message:
 * a verification stays `processing` until the test decides otherwise (here, the erasure cancels it).
 */
function containerDeps(): CustomerDeps {
  return { ...customerDeps(), checkQueueUrl: `${customerDeps().checkQueueUrl}-not-consumed-${randomUUID()}` };
}

async function newCustomer() {
  const { merchant_id } = await fundedMerchant(0n);
  const customer = await createCustomer(customerDeps(), { merchantId: merchant_id, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body: {} });
  return { merchantId: merchant_id, customerId: customer.id };
}

const submit = (deps: CustomerDeps, merchantId: string, customerId: string) =>
  createVerification(deps, { merchantId, idempotencyKey: randomUUID(), fingerprint: randomUUID(), customerId, body: cleanIdentity() });

describe('customer changes at the same moment', () => {
  it('takes exactly one of four verifications submitted at once and refuses the other three as verification_processing', async () => {
    const { merchantId, customerId } = await newCustomer();

    const settled = await Promise.allSettled(Array.from({ length: 4 }, () => submit(containerDeps(), merchantId, customerId)));

    const taken = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    expect(taken.map((v) => v.status), String(refused)).toEqual(['processing']);
    expect(refused).toHaveLength(3);
    for (const reason of refused) expect(reason).toBeInstanceOf(VerificationProcessingError);
    expect(await getCustomer(customerDeps(), merchantId, customerId)).toMatchObject({ kyc_status: 'processing', verification: taken[0]!.id });
  });

  it('refuses, as customer_erasing, a verification that read the customer before the erasure marked it and wrote after', async () => {
    const { merchantId, customerId } = await newCustomer();
    const verifying = containerDeps();
    const verificationWrite = holdTransaction(verifying.dynamodb, 1);
    const erasing = containerDeps();
    const erasureEnd = holdTransaction(erasing.dynamodb, 2); // the first marks the customer erasing, the second marks it erased

    const verification = submit(verifying, merchantId, customerId).catch((error: unknown) => error);
    await verificationWrite.reached;
    const erasure = eraseCustomerPii(erasing, merchantId, customerId);
    await erasureEnd.reached;
    verificationWrite.release();
    const refused = await verification;
    erasureEnd.release();
    const erased = await erasure;

    expect(refused).toBeInstanceOf(CustomerErasingError);
    expect(erased).toMatchObject({ complete: true, customer: { kyc_status: 'none', verification: null, pii_erased_at: expect.any(String) } });
  });

  it('erases the PII of a verification written after the erasure read the customer but before it marked it', async () => {
    const { merchantId, customerId } = await newCustomer();
    const erasing = containerDeps();
    const erasureMark = holdTransaction(erasing.dynamodb, 1);

    const erasure = eraseCustomerPii(erasing, merchantId, customerId);
    await erasureMark.reached;
    const taken: Verification = await submit(containerDeps(), merchantId, customerId);
    erasureMark.release();
    const erased = await erasure;

    expect(erased).toMatchObject({ complete: true, customer: { kyc_status: 'none', pii_erased_at: expect.any(String) } });
    const record = (await readVerification(customerDeps(), taken.id))!;
    expect(record.pii).toBeUndefined();
    expect(record.verification).toMatchObject({ status: 'canceled', pii_erased_at: expect.any(String) });
  });
});
