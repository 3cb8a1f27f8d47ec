import type { KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context, Handler } from 'aws-lambda';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checksum } from '#lib/merchants/api-keys.js';
import { addMember } from '#lib/merchants/members/members.js';
import { revokeApiKey } from '#lib/merchants/merchants.js';
import { api } from '../support/api.js';
import { clients, fundedMerchant, merchantDeps } from '../support/deps.js';
import { startScriptedServer } from '../support/scripted-server.js';
import { localCredentials, stack } from '../support/stack.js';
// The renderer the local stack's patched serverless-offline uses (patches/serverless-offline+*.patch).
// @ts-expect-error plain JavaScript without types
import { gatewayResponsesOf, renderGatewayResponse } from '../../node_modules/serverless-offline/src/events/http/gatewayResponses.js';

// Issue 19, "Random well-formed API keys cost a KMS call each": the checksum of a key is public, so
// anyone can mint keys that pass the shape check. Each must be refused without a KMS call.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/local/GET/v1/balances';
const context = { functionName: 'authorizer', awsRequestId: 'flood' } as Context;
type Authorizer = Handler<APIGatewayTokenAuthorizerEvent, APIGatewayAuthorizerResult>;

const randomSecret = () => randomBytes(32).toString('base64url');
const randomUlid = () => Array.from({ length: 26 }, () => '0123456789abcdefghjkmnpqrstvwxyz'[randomInt(32)]).join('');
const withChecksum = (body: string) => `${body}${checksum(body)}`;

/** Keys anyone can make: the issued shapes (without and with a key id), checksums that hold. */
const randomKeys = {
  apiKey: () => withChecksum(`sk_test_${randomSecret()}`),
  apiKeyWithId: () => withChecksum(`sk_test_key_${randomUlid()}_${randomSecret()}`),
  memberKey: () => withChecksum(`mk_test_${randomSecret()}`),
  memberKeyWithId: () => withChecksum(`mk_test_mem_${randomUlid()}_${randomSecret()}`),
};

type CountingStack = {
  add(middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => (args: unknown) => Promise<unknown>, options: { step: 'initialize'; name: string }): void;
};

/** Every command a client sends, by name (an SDK middleware: it sees retries as one command). */
function countCommands(client: KMSClient | DynamoDBClient): string[] {
  const sent: string[] = [];
  (client.middlewareStack as unknown as CountingStack).add((next, commandContext) => async (args) => {
    sent.push(commandContext.commandName);
    return next(args);
  }, { step: 'initialize', name: 'countCommands' });
  return sent;
}

/**
 * The authorizer function as a container loads it, with the local stack's environment (or other
 * endpoints), and its container's KMS and DynamoDB clients.
 */
async function loadAuthorizer(endpoints: { kms?: string; dynamodb?: string } = {}) {
  vi.resetModules();
  const env = {
    STAGE: 'local', AWS_REGION: stack().region, TABLE_NAME: stack().tableName,
    API_KEY_DIGEST_KEY_ID: stack().keys.ApiKeyDigestKey!, CONSOLE_SESSION_KEY_ID: stack().keys.ConsoleSessionKey!, SHARED_USAGE_KEY: 'lanepay-local-shared-usage-key',
    AWS_ENDPOINT_URL_KMS: endpoints.kms ?? stack().endpoints.kms, AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb ?? stack().endpoints.dynamodb,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey, POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { handler } = await import('../../functions/authorizer/handler.js');
  const { kmsClient } = await import('#lib/platform/aws/clients/kms.js');
  const { dynamodbClient } = await import('#lib/platform/aws/clients/dynamodb.js');
  const authorize = (key: string) => (handler as Authorizer)(bearer(key), context, () => {}) as Promise<APIGatewayAuthorizerResult>;
  return { authorize, kmsCommands: countCommands(kmsClient()), dynamodbCommands: countCommands(dynamodbClient()) };
}

const bearer = (key: string) => ({ type: 'TOKEN' as const, authorizationToken: `Bearer ${key}`, methodArn });
const effectOf = (result: APIGatewayAuthorizerResult) => result.policyDocument.Statement.map((statement) => statement.Effect).join();

async function inBatches<T, R>(items: T[], size: number, each: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) results.push(...(await Promise.all(items.slice(start, start + size).map(each))));
  return results;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('a flood of random well-formed keys at the authorizer', () => {
  // Two tests, so that each stays well within the time limit on a busy machine: the reads are the
  // emulator's, one per key that carries an id.
  it('refuses 1,000 random well-formed API keys with a Deny each and zero KMS calls', async () => {
    const { authorize, kmsCommands, dynamodbCommands } = await loadAuthorizer();
    const keys = [...Array.from({ length: 500 }, randomKeys.apiKey), ...Array.from({ length: 500 }, randomKeys.apiKeyWithId)];

    const effects = await inBatches(keys, 25, async (key) => effectOf(await authorize(key)));

    expect(effects).toEqual(keys.map(() => 'Deny'));
    expect(kmsCommands).toEqual([]);
    // One read of the key id each for the keys that carry one; the others are refused by shape.
    expect(dynamodbCommands).toEqual(Array.from({ length: 500 }, () => 'GetItemCommand'));
  });

  it('refuses 200 random well-formed member keys with a Deny each and zero KMS calls', async () => {
    const { authorize, kmsCommands, dynamodbCommands } = await loadAuthorizer();
    const keys = [...Array.from({ length: 100 }, randomKeys.memberKey), ...Array.from({ length: 100 }, randomKeys.memberKeyWithId)];

    const effects = await inBatches(keys, 25, async (key) => effectOf(await authorize(key)));

    expect(effects).toEqual(keys.map(() => 'Deny'));
    expect(kmsCommands).toEqual([]);
    expect(dynamodbCommands).toEqual(Array.from({ length: 100 }, () => 'GetItemCommand'));
  });

  it('answers the same made-up keys again from the container\'s cache: a flood repeating 20 keys costs 20 reads, not 500', async () => {
    const { authorize, kmsCommands, dynamodbCommands } = await loadAuthorizer();
    const few = [...Array.from({ length: 10 }, randomKeys.apiKeyWithId), ...Array.from({ length: 10 }, randomKeys.memberKeyWithId)];
    const keys = Array.from({ length: 500 }, (_, i) => few[i % few.length]!);

    // The clock stands still (Date only; timers and I/O run): on a busy machine the flood can take
    // longer than the 10 s a refusal is remembered, and this test is about the repeats, not the expiry.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    // One at a time for the first of each, so the repeats find the remembered refusal.
    for (const key of few) expect(effectOf(await authorize(key))).toBe('Deny');
    const effects = await inBatches(keys, 25, async (key) => effectOf(await authorize(key))).finally(() => vi.useRealTimers());

    expect(effects).toEqual(keys.map(() => 'Deny'));
    expect(kmsCommands).toEqual([]);
    expect(dynamodbCommands).toEqual(Array.from({ length: 20 }, () => 'GetItemCommand'));
  });

  it('answers a revoked key and wrong secrets again from the container\'s cache, without DynamoDB or KMS', async () => {
    const merchant = await fundedMerchant(0n);
    const { authorize, kmsCommands, dynamodbCommands } = await loadAuthorizer();
    expect(effectOf(await authorize(merchant.api_key))).toBe('Allow');
    await revokeApiKey(merchantDeps(), merchant.key_id);
    expect(effectOf(await authorize(merchant.api_key))).toBe('Deny');
    const member = await addMember({ ...merchantDeps(), dataKeyId: stack().keys.DataKey! }, { merchantId: merchant.merchant_id, email: `flood-${randomSecret().slice(0, 8)}@example.com` });
    const wrongMemberKey = withChecksum(`${member.key.slice(0, member.key.length - 49)}${randomSecret()}`);
    expect(effectOf(await authorize(wrongMemberKey))).toBe('Deny');
    kmsCommands.length = 0;
    dynamodbCommands.length = 0;

    const keys = [...Array.from({ length: 50 }, () => merchant.api_key), ...Array.from({ length: 50 }, () => wrongMemberKey)];
    const effects = await inBatches(keys, 25, async (key) => effectOf(await authorize(key)));

    expect(effects).toEqual(keys.map(() => 'Deny'));
    expect(dynamodbCommands).toEqual([]);
    expect(kmsCommands).toEqual([]);
  });

  it('refuses a guessed secret for a real key id without a KMS call once the container has checked the real key', async () => {
    const merchant = await fundedMerchant(0n);
    const { authorize, kmsCommands } = await loadAuthorizer();
    expect(effectOf(await authorize(merchant.api_key))).toBe('Allow');
    expect(kmsCommands).toEqual(['GenerateMacCommand']);
    const keyIdPart = merchant.api_key.slice(0, merchant.api_key.length - 49);

    const guesses = Array.from({ length: 50 }, () => withChecksum(`${keyIdPart}${randomSecret()}`));
    const effects = await inBatches(guesses, 25, async (key) => effectOf(await authorize(key)));
    const again = await authorize(merchant.api_key);

    expect(effects).toEqual(guesses.map(() => 'Deny'));
    expect(effectOf(again)).toBe('Allow');
    expect(kmsCommands).toEqual(['GenerateMacCommand']);
  });

  it('still accepts the keys `merchant create`, `key create` and `member add` issue', async () => {
    const merchant = await fundedMerchant(0n);
    const member = await addMember({ ...merchantDeps(), dataKeyId: stack().keys.DataKey! }, { merchantId: merchant.merchant_id, email: `flood-${randomSecret().slice(0, 8)}@example.com` });
    const { authorize } = await loadAuthorizer();

    const asMerchant = await authorize(merchant.api_key);
    const asMember = await authorize(member.key);

    expect(asMerchant).toMatchObject({ principalId: merchant.merchant_id, context: { merchantId: merchant.merchant_id, principal: 'api_key' } });
    expect(effectOf(asMerchant)).toBe('Allow');
    expect(asMember).toMatchObject({ principalId: member.id, context: { merchantId: merchant.merchant_id, principal: 'member', memberId: member.id } });
  });
});

describe('the authorizer when KMS or DynamoDB throttles', () => {
  const throttled = (type: string, contentType: string) => startScriptedServer(() => ({
    status: 400,
    headers: { 'Content-Type': contentType, 'x-amzn-ErrorType': type },
    body: { __type: type, message: 'Rate exceeded' },
  }));
  const authorizerFailure = () => {
    const api = parse(fs.readFileSync(path.join(repoRoot, 'infra', 'api.yml'), 'utf8'));
    const sent = { body: '', status: 0, headers: {} as Record<string, string> };
    const response = {
      code: (status: number) => ((sent.status = status), response),
      header: (name: string, value: string) => ((sent.headers[name.toLowerCase()] = value), response),
    };
    renderGatewayResponse({ response: (body: string) => ((sent.body = body), response) }, gatewayResponsesOf(api), 500, 'AUTHORIZER_FAILURE');
    return sent;
  };

  it('fails (AUTHORIZER_FAILURE: a 503 problem with Retry-After, never cached) instead of denying a real key when KMS throttles', async () => {
    const merchant = await fundedMerchant(0n);
    const kms = await throttled('ThrottlingException', 'application/x-amz-json-1.1');
    try {
      const { authorize } = await loadAuthorizer({ kms: kms.baseUrl });

      const outcome = await Promise.resolve(authorize(merchant.api_key)).catch((error: unknown) => error);

      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).name).toBe('ThrottlingException');
      expect(kms.requests.length).toBeGreaterThan(0);
    } finally {
      await kms.close();
    }
    const rendered = authorizerFailure();
    expect(rendered.status).toBe(503);
    expect(rendered.headers['retry-after']).toBe('1');
    expect(rendered.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(rendered.body)).toMatchObject({ status: 503, code: 'authorizer_unavailable' });
  });

  it('fails the same way when DynamoDB throttles the key id lookup, and never calls KMS', async () => {
    const dynamodb = await throttled('ProvisionedThroughputExceededException', 'application/x-amz-json-1.0');
    try {
      const { authorize, kmsCommands } = await loadAuthorizer({ dynamodb: dynamodb.baseUrl });

      const outcome = await Promise.resolve(authorize(randomKeys.apiKeyWithId())).catch((error: unknown) => error);

      expect((outcome as Error).name).toBe('ProvisionedThroughputExceededException');
      expect(kmsCommands).toEqual([]);
    } finally {
      await dynamodb.close();
    }
  });

  it('answers a client of the local stack whose key cannot be checked with 503 problem+json and Retry-After', async () => {
    const merchant = await fundedMerchant(0n);
    // A profile the authorizer cannot read: it throws, as it does when KMS or DynamoDB fails.
    await clients().dynamodb.send(new UpdateItemCommand({
      TableName: stack().tableName,
      Key: { pk: { S: `MERCHANT#${merchant.merchant_id}` }, sk: { S: 'PROFILE' } },
      UpdateExpression: 'SET profile = :broken',
      ExpressionAttributeValues: { ':broken': { S: '{"not json' } },
    }));

    const response = await api('GET', '/v1/balances', { key: merchant.api_key });

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.body).toMatchObject({ status: 503, code: 'authorizer_unavailable' });
  });
});
