import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey, type AuthenticateDeps } from '#lib/merchants/authenticate.js';
import { getBalances } from '#lib/money/payments/query.js';
import { clients, paymentDeps } from '../support/deps.js';
import { cliAgainstTestStack, type CliRun } from '../support/cli.js';
import { stack } from '../support/stack.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);

/** Parses a successful run's JSON, or fails showing what the CLI said. */
function output(run: CliRun): any {
  expect(run.code, `lanepay failed: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout);
}

function authDeps(): AuthenticateDeps {
  const { dynamodb, kms } = clients();
  return { dynamodb, kms, tableName: stack().tableName, apiKeyDigestKeyId: stack().keys.ApiKeyDigestKey! };
}

async function usdcAvailable(merchantId: string): Promise<string | undefined> {
  return (await getBalances(paymentDeps(), merchantId)).data.find((b) => b.asset === 'USDC')?.available;
}

describe('the lanepay CLI', () => {
  let merchant: { merchant_id: string; name: string; key_id: string; api_key: string };

  beforeAll(async () => {
    cli = cliAgainstTestStack();
    merchant = output(await lanepay('merchant', 'create', '--name', 'CLI shop', '--fee-bps', '25'));
  });

  afterAll(() => cli.cleanup());

  it('creates a merchant whose sk_test_ key authenticates', async () => {
    expect(merchant).toMatchObject({ merchant_id: expect.stringMatching(/^mer_/), name: 'CLI shop', key_id: expect.stringMatching(/^key_/) });
    expect(merchant.api_key).toMatch(new RegExp(`^sk_test_${merchant.key_id}_[A-Za-z0-9_-]{49}$`));
    const profile = await authenticateApiKey(authDeps(), `Bearer ${merchant.api_key}`);
    expect(profile).toMatchObject({ id: merchant.merchant_id, fee: { bps: 25, fixedMinor: '0' } });
  });

  it('credits sandbox funds once per transfer id, and says so on a repeat', async () => {
    const transferId = `trf_cli_${randomUUID()}`;
    const args = ['balance', 'credit', '--merchant', merchant.merchant_id, '--asset', 'USDC', '--amount', '5000000', '--transfer-id', transferId];
    const first = output(await lanepay(...args));
    expect(first).toEqual({ merchant_id: merchant.merchant_id, asset: 'USDC', credited: '5000000', transfer_id: transferId });
    expect(await usdcAvailable(merchant.merchant_id)).toBe('5000000');

    const repeat = await lanepay(...args);
    expect(output(repeat)).toMatchObject({ credited: '0', transfer_id: transferId, already_booked: true });
    expect(repeat.stderr).toContain(`Transfer ${transferId} was booked earlier: nothing was credited this time.`);
    expect(await usdcAvailable(merchant.merchant_id)).toBe('5000000');
  });

  it('rotates keys: a new key authenticates, and once revoked is refused while the first still works', async () => {
    const issued = output(await lanepay('key', 'create', '--merchant', merchant.merchant_id));
    expect(issued.api_key).toMatch(/^sk_test_/);
    expect((await authenticateApiKey(authDeps(), `Bearer ${issued.api_key}`)).id).toBe(merchant.merchant_id);

    const revoke = await lanepay('key', 'revoke', '--key', issued.key_id);
    expect(output(revoke)).toEqual({ key_id: issued.key_id, revoked: true });
    expect(revoke.stderr).toContain('up to 60 s');
    await expect(authenticateApiKey(authDeps(), `Bearer ${issued.api_key}`)).rejects.toThrow('This API key was revoked.');
    expect((await authenticateApiKey(authDeps(), `Bearer ${merchant.api_key}`)).id).toBe(merchant.merchant_id);
  });

  it('sets merchant risk overrides, refusing a malformed amount', async () => {
    const [risk, badRisk] = await Promise.all([
      lanepay('merchant', 'set-risk', '--merchant', merchant.merchant_id, '--rules', '{"maxPerPaymentMinor":{"USDC":"7000000"}}'),
      lanepay('merchant', 'set-risk', '--merchant', merchant.merchant_id, '--rules', '{"maxPerPaymentMinor":{"USDC":"7.5"}}'),
    ]);

    expect(output(risk)).toMatchObject({ id: merchant.merchant_id, risk: { maxPerPaymentMinor: { USDC: '7000000' } } });
    expect(badRisk.code).toBe(1);
    expect(badRisk.stderr.trim()).toMatch(/^--rules is invalid: maxPerPaymentMinor\.USDC: must be a non-negative integer/);
  });

  it('refuses an invalid amount, and prod, with one line and exit code 1', async () => {
    // The prod run has no AWS credentials or endpoints: it passes only if the stage is checked first.
    const [invalid, prod] = await Promise.all([
      lanepay('balance', 'credit', '--merchant', merchant.merchant_id, '--asset', 'USDC', '--amount', '1.5'),
      lanepay('balance', 'credit', '--stage', 'prod', '--merchant', merchant.merchant_id, '--asset', 'USDC', '--amount', '1000000'),
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trim()).toMatch(/^--amount "1\.5" is invalid: it must be a positive whole number of minor units/);
    expect(prod.code).toBe(1);
    expect(prod.stderr.trim()).toBe('Sandbox funds cannot be booked on prod: fund the merchant with a real deposit.');
    expect(await usdcAvailable(merchant.merchant_id)).toBe('5000000');
  });
});
