import { describe, expect, it } from 'vitest';
import { isWellFormedApiKey, newApiKey } from '../../../lib/merchants/api-keys.js';

describe('API keys', () => {
  it('are issued as sk_test_ (sk_live_ on prod), 43 random characters and a checksum that holds', () => {
    const test = newApiKey('local');
    const live = newApiKey('prod');
    expect(test).toMatch(/^sk_test_[A-Za-z0-9_-]{49}$/);
    expect(live).toMatch(/^sk_live_[A-Za-z0-9_-]{49}$/);
    expect(isWellFormedApiKey(test)).toBe(true);
    expect(isWellFormedApiKey(live)).toBe(true);
  });

  it('refuses a key with one character changed, cut short, or made up in the right shape', () => {
    const key = newApiKey('dev');
    const flipped = `${key.slice(0, 20)}${key[20] === 'A' ? 'B' : 'A'}${key.slice(21)}`;
    expect(isWellFormedApiKey(flipped)).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`sk_test_${'x'.repeat(49)}`)).toBe(false);
    expect(isWellFormedApiKey(key.replace('sk_test_', 'sk_live_'))).toBe(false);
  });
});

describe('authenticateApiKey', () => {
  it('refuses a key whose checksum fails without calling KMS or DynamoDB', async () => {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { KMSClient } = await import('@aws-sdk/client-kms');
    const { authenticateApiKey } = await import('../../../lib/merchants/authenticate.js');
    const { UnauthorizedError } = await import('../../../lib/errors/index.js');
    // Nothing listens on port 9: any call to either service would fail with a connection error instead.
    const nowhere = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 };
    const deps = { dynamodb: new DynamoDBClient(nowhere), kms: new KMSClient(nowhere), tableName: 't', apiKeyDigestKeyId: 'k' };

    const refused = await authenticateApiKey(deps, `Bearer sk_test_${'x'.repeat(49)}`).catch((error: unknown) => error);
    const reached = await authenticateApiKey(deps, `Bearer ${newApiKey('local')}`).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(UnauthorizedError);
    expect(reached).not.toBeInstanceOf(UnauthorizedError); // a well-formed key does go to KMS, which is not there
  });
});
