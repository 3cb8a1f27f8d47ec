import { randomInt, randomUUID } from 'node:crypto';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { createCustomer } from '#lib/compliance/customers/customers.js';
import type { CustomerDeps, KycCheckDeps } from '#lib/compliance/customers/deps.js';
import { newVerificationItems } from '#lib/compliance/customers/items.js';
import { sealPii } from '#lib/compliance/customers/pii.js';
import { createVerification, readVerification } from '#lib/compliance/customers/verifications.js';
import { cnResidentIdCheckCharacter } from '#lib/compliance/kyc/documents/index.js';
import { loadLatestSanctionsIndex } from '#lib/compliance/kyc/sanctions-store.js';
import type { CreateVerificationBody } from '#lib/compliance/kyc/schemas.js';
import type { SanctionsIndex } from '#lib/compliance/kyc/screening/index.js';
import { newId } from '#lib/platform/ids/index.js';
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

/** A valid GB 11643 number for a birth date (YYYY-MM-DD), by default in Beijing's Chaoyang district. */
export function cnResidentId(birthDate: string, sequence = '123', region = '110105'): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${sequence}`;
  return first17 + cnResidentIdCheckCharacter(first17);
}

/**
 * A valid number no other test gives (a random Beijing county and sequence: 10^7 of them), since
 * a number another customer of the merchant already gave is a review reason (`document_reused`).
 */
export function uniqueCnResidentId(birthDate: string): string {
  const digits = (n: number) => String(randomInt(10 ** n)).padStart(n, '0');
  return cnResidentId(birthDate, digits(3), `11${digits(4)}`);
}

/** Identity data that passes every check: a name listed nowhere, a valid number of its own, a valid phone. */
export function cleanIdentity(overrides: Partial<CreateVerificationBody> = {}): CreateVerificationBody {
  const birth = '1988-03-14';
  return {
    name: `Quillon Farthingale ${randomUUID().slice(0, 4).replace(/\d/g, 'q')}`,
    birth_date: birth,
    nationality: 'CN',
    document: { type: 'cn_resident_id', number: uniqueCnResidentId(birth) },
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

/**
 * Writes `count` decided verifications of one customer straight to the table, as createVerification
 * writes them (sealed PII included), in batches: hundreds in a few seconds, where the API takes a
 * KMS call, a transaction and a decision for each.
 */
export async function seedVerifications(merchantId: string, customerId: string, count: number, identity: CreateVerificationBody = cleanIdentity()): Promise<string[]> {
  const deps = customerDeps();
  const pii = await sealPii(deps, { merchantId, customerId }, identity);
  const now = new Date().toISOString();
  const ids = Array.from({ length: count }, () => newId('kyv'));
  const items = ids.flatMap((id) => newVerificationItems({
    merchantId, pii, verification: {
      id, object: 'customer.verification', customer: customerId, status: 'approved', nationality: identity.nationality,
      document: { type: identity.document.type, number_last4: null }, phone_last4: null, reasons: [], sanctions_matches: [],
      decided_at: now, decided_by: 'system', resolution: null, created_at: now, pii_erased_at: null,
    },
  }));
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const result = await deps.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [deps.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[deps.tableName] ?? []) as typeof requests;
    }
  }
  return ids;
}
