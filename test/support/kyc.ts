import { randomUUID } from 'node:crypto';
import { createCustomer } from '../../lib/customers/customers.js';
import type { CustomerDeps, KycCheckDeps } from '../../lib/customers/deps.js';
import { createVerification, readVerification } from '../../lib/customers/verifications.js';
import { cnResidentIdCheckCharacter } from '../../lib/kyc/documents/index.js';
import { loadLatestSanctionsIndex } from '../../lib/kyc/sanctions-store.js';
import type { SanctionsIndex } from '../../lib/kyc/screening/index.js';
import type { CreateVerificationBody } from '../../lib/kyc/schemas.js';
import { clients } from './deps.js';
import { stack } from './stack.js';
import { waitFor } from './wait.js';

export function customerDeps(): CustomerDeps {
  const { dynamodb, kms, sqs } = clients();
  return {
    dynamodb, kms, sqs, tableName: stack().tableName, dataKeyId: stack().keys.DataKey!, fingerprintKeyId: stack().keys.ApiKeyDigestKey!,
    checkQueueUrl: stack().queues.KycCheckQueue!.url, now: () => new Date(),
  };
}

let index: Promise<SanctionsIndex> | undefined;

/** Deps for calling kyc-check's lib functions from a test, on the latest stored list (or a fresh read). */
export function kycCheckDeps(options: { fresh?: boolean } = {}): KycCheckDeps {
  const base = customerDeps();
  if (options.fresh || !index) index = loadLatestSanctionsIndex(base);
  const current = index;
  return { ...base, sanctions: () => current, log: () => undefined };
}

/** A valid GB 11643 number for a birth date (YYYY-MM-DD), in Beijing's Chaoyang district. */
export function cnResidentId(birthDate: string, sequence = '123'): string {
  const first17 = `110105${birthDate.replaceAll('-', '')}${sequence}`;
  return first17 + cnResidentIdCheckCharacter(first17);
}

/** Identity data that passes every check: a name listed nowhere, a valid number, a valid phone. */
export function cleanIdentity(overrides: Partial<CreateVerificationBody> = {}): CreateVerificationBody {
  const birth = '1988-03-14';
  return {
    name: `Quillon Farthingale ${randomUUID().slice(0, 4).replace(/\d/g, 'q')}`,
    birth_date: birth,
    nationality: 'CN',
    document: { type: 'cn_resident_id', number: cnResidentId(birth) },
    phone: '+8613912345678',
    ...overrides,
  };
}

/** Creates a customer and a verification through lib, then waits for the stack's kyc-check to decide it. */
export async function verifiedCustomer(merchantId: string, identity: CreateVerificationBody = cleanIdentity()) {
  const deps = customerDeps();
  const customer = await createCustomer(deps, { merchantId, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body: {} });
  const started = await createVerification(deps, {
    merchantId, idempotencyKey: randomUUID(), fingerprint: randomUUID(), customerId: customer.id, body: identity,
  });
  const decided = await waitFor(`verification ${started.id} decided`, async () => {
    const record = await readVerification(deps, started.id);
    return record && record.verification.status !== 'processing' ? record.verification : undefined;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  return { customer, verification: decided };
}
