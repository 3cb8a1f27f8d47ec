import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { forgetAccountStates } from '#lib/ledger/account-states.js';
import { merchantAccount, platformAccount } from '#lib/ledger/accounts.js';
import { listBalanceTransactions } from '#lib/ledger/balance-query.js';
import { transferItems } from '#lib/ledger/transfers.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import { retryOnContention } from '../../support/contention.js';
import { fundedMerchant, paymentDeps, someAddress } from '../../support/deps.js';
import { isolatedTable } from '../../support/isolated.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';

/**
 * Balance transactions are numbered from the account state a container remembers, not read before
 * each write (docs/ledger.md, "Balance transactions"). On the emulator: a cold container, one whose
 * state another container moved, and several containers paying out of one merchant at once all
 * commit with every entry numbered exactly, and a payment the balance cannot cover is still
 * declined for funds rather than rebuilt forever.
 */
describe('balance transactions from remembered account states', () => {
  it('stay exact when the writer is cold, stale or racing other containers, and still decline for funds', async () => {
    const tableName = await isolatedTable();
    const { profile, merchant_id: merchantId } = await fundedMerchant(10_000_000n, undefined, tableName);
    // A 503 try_again (eight containers racing on one account on an emulator that serves one
    // transaction at a time ran past the writer's budget on a busy machine: nothing was written) is
    // sent again with the same key, as clients do.
    const pay = (deps: ReturnType<typeof paymentDeps>, amount: string) => {
      const body = createPaymentBodySchema.parse({ amount, asset: 'USDC', chain: 'local-a', destination: someAddress() });
      const request = { merchant: profile, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', body), body };
      return retryOnContention(() => authorizePayment(deps, request));
    };

    // A cold container: it remembers nothing of the account, which has a balance transaction already.
    forgetAccountStates();
    expect((await pay(paymentDeps({ tableName }), '1000000')).outcome).toBe('created');

    // Another container credits the merchant: this one's remembered state is now behind.
    const deps = paymentDeps({ tableName });
    const credit = transferItems(tableName, [{
      kind: 'posted', id: `trf_${randomUUID()}`, debit: platformAccount('sandbox', 'USDC'), credit: merchantAccount(merchantId, 'USDC'),
      amountMinor: 500_000n, asset: 'USDC', memo: { type: 'top_up', source: 'trf_elsewhere' },
    }], new Date().toISOString());
    await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: credit }));
    expect((await pay(deps, '1000000')).outcome).toBe('created');

    // Eight containers (a client each) pay out of the one account at once.
    const racing = await Promise.all(Array.from({ length: 8 }, () => pay(paymentDeps({ tableName }), '500000')));
    expect(racing.map((r) => r.outcome)).toEqual(Array(8).fill('created'));

    // More than is left, from a cold container: declined for funds, not rebuilt until it gives up.
    forgetAccountStates();
    const tooMuch = await pay(paymentDeps({ tableName }), '5000000');
    expect(tooMuch).toMatchObject({ outcome: 'declined', payment: { decline_code: 'insufficient_funds' } });

    const entries = (await listBalanceTransactions(deps, merchantId, { limit: 100 })).data;
    expect(entries.map((t) => t.type)).toEqual([...Array(9).fill('payment'), 'top_up', 'payment', 'top_up']);
    expect(entries[0]!.balance_after).toBe((10_000_000n + 500_000n - 2_000_000n - 8n * 500_000n).toString());
    await expectLedgerBalanced(tableName);
  }, 120_000);
});
