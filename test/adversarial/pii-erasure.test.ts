import { BatchGetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { eraseCustomerPii, erasureChunkSize } from '#lib/compliance/customers/erasure.js';
import { api, type ApiResponse } from '../support/api.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { cleanIdentity, customerDeps, seedVerifications } from '../support/kyc.js';
import { stack } from '../support/stack.js';

/**
 * Issue 19, attack 2: PII erasure that fails forever past about 98 verifications (one transaction
 * of at most 100 items, listed from an eventually consistent index). The verifications are written
 * straight to the table (test/support/kyc.ts); the erasure goes through the API.
 */
type Merchant = Awaited<ReturnType<typeof fundedMerchant>>;
let merchant: Merchant;

beforeAll(async () => {
  merchant = await fundedMerchant(0n);
});

async function newCustomer(): Promise<{ id: string }> {
  const created = await api('POST', '/v1/customers', { key: merchant.api_key, body: { email: 'erase.me@example.com' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

/** DELETE until it answers 200 (202: the time budget ran out, send it again); every answer recorded. */
async function eraseUntilDone(customerId: string): Promise<ApiResponse[]> {
  const answers: ApiResponse[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const answer = await api('DELETE', `/v1/customers/${customerId}/pii`, { key: merchant.api_key });
    answers.push(answer);
    if (answer.status !== 202) return answers;
  }
  return answers;
}

/** The verification items, read strongly by id (a Scan of the whole shared table costs seconds on a loaded machine). */
async function verificationItems(ids: string[]): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    let keys = ids.slice(i, i + 100).map((id) => ({ pk: { S: `KYV#${id}` }, sk: { S: 'KYV' } }));
    while (keys.length > 0) {
      const result = await clients().dynamodb.send(new BatchGetItemCommand({ RequestItems: { [stack().tableName]: { Keys: keys, ConsistentRead: true } } }));
      items.push(...(result.Responses?.[stack().tableName] ?? []));
      keys = (result.UnprocessedKeys?.[stack().tableName]?.Keys ?? []) as typeof keys;
    }
  }
  return items;
}

/** Items left in the customer's own partition besides the customer item. */
async function customerPartitionExtras(customerId: string): Promise<string[]> {
  const page = await clients().dynamodb.send(new QueryCommand({
    TableName: stack().tableName, ConsistentRead: true, KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: `CUSTOMER#${merchant.merchant_id}#${customerId}` } },
  }));
  return (page.Items ?? []).map((item) => item.sk!.S!).filter((sk) => sk !== 'CUSTOMER');
}

function expectErased(items: Record<string, AttributeValue>[]) {
  for (const item of items) {
    expect(item.pii, item.pk!.S).toBeUndefined();
    expect(JSON.parse(item.object!.S!).pii_erased_at, item.pk!.S).toEqual(expect.any(String));
  }
}

describe('erasing the PII of a customer with many verifications', () => {
  it('erases 250 verifications through DELETE /v1/customers/{id}/pii: no sealed PII left, every decision kept', async () => {
    const customer = await newCustomer();
    const ids = await seedVerifications(merchant.merchant_id, customer.id, 250);

    const answers = await eraseUntilDone(customer.id);

    const last = answers.at(-1)!;
    expect(answers.map((a) => a.status).slice(0, -1).every((status) => status === 202), JSON.stringify(answers.map((a) => a.status))).toBe(true);
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body).toMatchObject({ id: customer.id, email: null, kyc_status: 'none', pii_erased_at: expect.any(String) });
    const items = await verificationItems(ids);
    expect(items).toHaveLength(250);
    expectErased(items);
    expect(items.every((item) => JSON.parse(item.object!.S!).status === 'approved')).toBe(true);
    expect(await customerPartitionExtras(customer.id)).toEqual([]);

    const again = await api('DELETE', `/v1/customers/${customer.id}/pii`, { key: merchant.api_key });
    expect(again.status).toBe(200);
    expect(again.body.pii_erased_at).toBe(last.body.pii_erased_at);
  });

  it('resumes an erasure stopped after its first chunk: meanwhile the customer takes no verification, and the next DELETE finishes it', async () => {
    const customer = await newCustomer();
    const ids = await seedVerifications(merchant.merchant_id, customer.id, 100);

    // As a request out of time stops: after one chunk (a budget of 0 ms).
    const stopped = await eraseCustomerPii(customerDeps(), merchant.merchant_id, customer.id, { budgetMs: 0 });

    expect(stopped).toMatchObject({ complete: false, customer: { email: null, kyc_status: 'none', pii_erased_at: null } });
    expect((await verificationItems(ids)).filter((item) => item.pii !== undefined)).toHaveLength(100 - erasureChunkSize);
    const meanwhile = await api('POST', `/v1/customers/${customer.id}/verifications`, { key: merchant.api_key, body: cleanIdentity() });
    expect(meanwhile.status, JSON.stringify(meanwhile.body)).toBe(409);
    expect(meanwhile.body.code).toBe('customer_erasing');

    const resumed = await eraseUntilDone(customer.id);

    expect(resumed.at(-1)!.status).toBe(200);
    expect(resumed.at(-1)!.body).toMatchObject({ kyc_status: 'none', pii_erased_at: expect.any(String) });
    expectErased(await verificationItems(ids));
    expect(await customerPartitionExtras(customer.id)).toEqual([]);
    expect((await api('POST', `/v1/customers/${customer.id}/verifications`, { key: merchant.api_key, body: cleanIdentity() })).status).toBe(202);
  });

  it('erases or refuses a verification submitted at the same moment as the erasure, never leaving it with its PII', async () => {
    const customer = await newCustomer();
    const ids = await seedVerifications(merchant.merchant_id, customer.id, 120);

    const [erasure, submitted] = await Promise.all([
      eraseUntilDone(customer.id),
      api('POST', `/v1/customers/${customer.id}/verifications`, { key: merchant.api_key, body: cleanIdentity() }),
    ]);

    const erased = erasure.at(-1)!;
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    if (submitted.status === 409) {
      expect(submitted.body.code).toBe('customer_erasing');
    } else {
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      const [item] = await verificationItems([submitted.body.id]);
      expect(item, submitted.body.id).toBeDefined();
      // Submitted after the erasure had finished: it is the customer's new data. Otherwise it was erased.
      if (submitted.body.created_at <= erased.body.pii_erased_at) expectErased([item!]);
    }
    const seeded = await verificationItems(ids);
    expect(seeded).toHaveLength(120);
    expectErased(seeded);
  });
});
