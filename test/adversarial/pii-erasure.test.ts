import { QueryCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, type ApiResponse } from '../support/api.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { cleanIdentity, seedVerifications } from '../support/kyc.js';
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

/** Every item of the customer's verifications (by their customerId attribute), read strongly. */
async function verificationItems(customerId: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await clients().dynamodb.send(new ScanCommand({
      TableName: stack().tableName, ConsistentRead: true, ExclusiveStartKey: start,
      FilterExpression: 'customerId = :c AND entity = :e', ExpressionAttributeValues: { ':c': { S: customerId }, ':e': { S: 'kyc_verification' } },
    }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
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
    let t = Date.now();
    const ids = await seedVerifications(merchant.merchant_id, customer.id, 250);
    console.info('TIMING seed', Date.now() - t); t = Date.now();

    const answers = await eraseUntilDone(customer.id);
    console.info('TIMING erase', Date.now() - t, answers.map((a) => a.status));

    const last = answers.at(-1)!;
    expect(answers.map((a) => a.status).slice(0, -1).every((status) => status === 202), JSON.stringify(answers.map((a) => a.status))).toBe(true);
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body).toMatchObject({ id: customer.id, email: null, kyc_status: 'none', pii_erased_at: expect.any(String) });
    const items = await verificationItems(customer.id);
    expect(items.map((item) => item.pk!.S!.replace('KYV#', '')).sort()).toEqual([...ids].sort());
    expectErased(items);
    expect(items.every((item) => JSON.parse(item.object!.S!).status === 'approved')).toBe(true);
    expect(await customerPartitionExtras(customer.id)).toEqual([]);

    const again = await api('DELETE', `/v1/customers/${customer.id}/pii`, { key: merchant.api_key });
    expect(again.status).toBe(200);
    expect(again.body.pii_erased_at).toBe(last.body.pii_erased_at);
  });

  it('erases or refuses a verification submitted at the same moment as the erasure, never leaving it with its PII', async () => {
    const customer = await newCustomer();
    await seedVerifications(merchant.merchant_id, customer.id, 120);

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
      const item = (await verificationItems(customer.id)).find((i) => i.pk!.S === `KYV#${submitted.body.id}`)!;
      // Submitted after the erasure had finished: it is the customer's new data. Otherwise it was erased.
      if (submitted.body.created_at <= erased.body.pii_erased_at) expectErased([item]);
    }
    expect((await verificationItems(customer.id)).filter((item) => item.pk!.S !== `KYV#${submitted.body.id}`)).toHaveLength(120);
    expectErased((await verificationItems(customer.id)).filter((item) => item.pk!.S !== `KYV#${submitted.body.id}`));
  });
});
