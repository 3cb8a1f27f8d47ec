import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checksum, isWellFormedApiKey, newApiKey, parseApiKey } from '#lib/merchants/api-keys.js';
import { authenticateApiKey } from '#lib/merchants/authenticate.js';
import { UnauthorizedError } from '#lib/platform/errors/index.js';
import { newId } from '#lib/platform/ids/index.js';

const legacyKey = () => {
  const body = `sk_test_${randomBytes(32).toString('base64url')}`;
  return `${body}${checksum(body)}`;
};

describe('API keys', () => {
  it('are issued as sk_test_ (sk_live_ on prod), the key id, 43 random characters and a checksum that holds', () => {
    const keyId = newId('key');
    const test = newApiKey('local', keyId);
    const live = newApiKey('prod', keyId);
    expect(test).toMatch(new RegExp(`^sk_test_${keyId}_[A-Za-z0-9_-]{49}$`));
    expect(live).toMatch(new RegExp(`^sk_live_${keyId}_[A-Za-z0-9_-]{49}$`));
    expect(parseApiKey(test)).toEqual({ kind: 'current', keyId });
    expect(parseApiKey(live)).toEqual({ kind: 'current', keyId });
  });

  it('refuses a key with one character changed, cut short, or made up in the right shape', () => {
    const key = newApiKey('dev', newId('key'));
    const flipped = `${key.slice(0, 50)}${key[50] === 'A' ? 'B' : 'A'}${key.slice(51)}`;
    expect(isWellFormedApiKey(flipped)).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`sk_test_${'x'.repeat(49)}`)).toBe(false);
    expect(isWellFormedApiKey(key.replace('sk_test_', 'sk_live_'))).toBe(false);
  });

  it('tells a key issued before keys carried their id (legacy) from a current one and from a malformed one', () => {
    expect(parseApiKey(legacyKey())).toEqual({ kind: 'legacy' });
    expect(parseApiKey(`${legacyKey().slice(0, -1)}!`)).toEqual({ kind: 'malformed' });
  });

  it('will not issue a key for something that is not a key id', () => {
    expect(() => newApiKey('local', 'key_Not-An-Id')).toThrow('Not an API key id');
  });
});

describe('authenticateApiKey without a reachable KMS or DynamoDB', () => {
  // Nothing listens on port 9: any call to either service fails with a connection error instead.
  const nowhere = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 };
  const deps = { dynamodb: new DynamoDBClient(nowhere), kms: new KMSClient(nowhere), tableName: 't', apiKeyDigestKeyId: 'k' };

  it('refuses a key whose checksum fails, and a legacy key on a stage that no longer accepts them, without any call', async () => {
    const malformed = await authenticateApiKey(deps, `Bearer sk_test_${'x'.repeat(49)}`).catch((error: unknown) => error);
    const legacy = await authenticateApiKey(deps, `Bearer ${legacyKey()}`).catch((error: unknown) => error);

    expect(malformed).toBeInstanceOf(UnauthorizedError);
    expect(legacy).toBeInstanceOf(UnauthorizedError);
    expect((legacy as UnauthorizedError).detail).toContain('lanepay key create');
  });

  it('reaches the services for a current key, and for a legacy key where the stage still accepts them', async () => {
    const current = await authenticateApiKey(deps, `Bearer ${newApiKey('local', newId('key'))}`).catch((error: unknown) => error);
    const legacy = await authenticateApiKey({ ...deps, acceptLegacyKeys: true }, `Bearer ${legacyKey()}`).catch((error: unknown) => error);

    expect(current).toBeInstanceOf(Error);
    expect(current).not.toBeInstanceOf(UnauthorizedError);
    expect(legacy).toBeInstanceOf(Error);
    expect(legacy).not.toBeInstanceOf(UnauthorizedError);
  });
});
