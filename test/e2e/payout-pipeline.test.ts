import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { getAddress, Interface } from 'ethers';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { getPayment } from '#lib/money/payments/query.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import { chainByName, provider, usdcBalance } from '../support/chain.js';
import { clients, fundedMerchant, paymentDeps, someAddress, usdc } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { retryOnContention } from '../support/contention.js';

const transferEvent = new Interface(['event Transfer(address indexed from, address indexed to, uint256 value)']);

type Paid = Awaited<ReturnType<typeof getPayment>>;

/**
 * One burst for the file: 100 payments captured at once on local-b, then one payment on local-a,
 * its event behind the burst's in the stream. local-b mines no block until the local-a payment has
 * succeeded, so none of the burst can finish before it: the local-a payment cannot have waited for
 * them. (Comparing block times instead failed whenever the burst drained while it was still being
 * authorized: on a quiet machine all 100 took 26 s.) Both tests read what it left.
 */
let burst: Promise<{ wanted: { destination: string; amount: bigint }[]; done: Paid[]; other: Paid; burstWhenOtherPaid: Paid[] }> | undefined;

function runBurst() {
  burst ??= (async () => {
    const deps = paymentDeps();
    const { profile, merchant_id } = await fundedMerchant(usdc(1_000));
    const wanted = Array.from({ length: 100 }, (_, i) => ({ destination: someAddress(), amount: BigInt(1_000_000 + i) }));
    const authorize = (chain: string, destination: string, amount: bigint) => {
      const body = createPaymentBodySchema.parse({ amount: amount.toString(), asset: 'USDC', chain, destination });
      // 100 holds on one merchant's account at once: DynamoDB refuses some for contention, as a merchant's client would see.
      return retryOnContention(async () => (await authorizePayment(deps, { merchant: profile, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', body), body })).payment);
    };

    const untilFinal = (group: Paid[]) => waitFor(`${group.length} payouts to complete`, async () => {
      const current = await Promise.all(group.map((p) => getPayment(deps, merchant_id, p.id)));
      return current.every((p) => p.status === 'succeeded' || p.status === 'failed') ? current : undefined;
    }, { timeoutMs: 360_000, intervalMs: 1_000 });

    const localB = provider('local-b');
    await localB.send('evm_setIntervalMining', [0]);
    let paidOther: Paid;
    let burstWhenOtherPaid: Paid[];
    try {
      const payments = await Promise.all(wanted.map(({ destination, amount }) => authorize('local-b', destination, amount)));
      const other = await authorize('local-a', someAddress(), 3_000_000n);
      expect([...payments, other].every((p) => p.status === 'processing')).toBe(true);
      [paidOther] = (await untilFinal([other])) as [Paid];
      burstWhenOtherPaid = await Promise.all(payments.map((p) => getPayment(deps, merchant_id, p.id)));
    } finally {
      // The stack's block interval (scripts/stack/chains.ts).
      await localB.send('evm_setIntervalMining', [1_000]);
    }
    const done = await untilFinal(burstWhenOtherPaid);
    return { wanted, done, other: paidOther, burstWhenOtherPaid };
  })();
  return burst;
}

describe('payout pipeline through the queues', () => {
  it('pays 100 payments queued at once from one hot wallet: all succeed, contiguous nonces, one transaction each, several per block', async () => {
    const { wanted, done } = await runBurst();
    expect(done.filter((p) => p.status !== 'succeeded')).toEqual([]);

    const hotWallet = chainByName('local-b').hotWallet;
    const receipts = await Promise.all(done.map((p) => provider('local-b').getTransactionReceipt(p.tx_hash!)));
    const transactions = await Promise.all(done.map((p) => provider('local-b').getTransaction(p.tx_hash!)));
    expect(new Set(done.map((p) => p.tx_hash)).size).toBe(100);
    for (const [i, receipt] of receipts.entries()) {
      expect(receipt?.status).toBe(1);
      expect(receipt?.from).toBe(hotWallet);
      const transfer = transferEvent.parseLog(receipt!.logs[0]!);
      expect(transfer?.args.to).toBe(getAddress(wanted[i]!.destination));
      expect(transfer?.args.value).toBe(wanted[i]!.amount);
    }
    for (const { destination, amount } of wanted.slice(0, 5)) expect(await usdcBalance('local-b', destination)).toBe(amount);

    // Every nonce between the lowest and highest used is owned by a recorded payout: none skipped.
    const nonces = transactions.map((t) => t!.nonce).sort((a, b) => a - b);
    const owned = await clients().dynamodb.send(new QueryCommand({
      TableName: stack().tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': { S: `NONCE#local-b#${hotWallet.toLowerCase()}` }, ':low': { S: String(nonces[0]).padStart(12, '0') }, ':high': { S: String(nonces.at(-1)).padStart(12, '0') } },
    }));
    expect(owned.Items?.length).toBe(nonces.at(-1)! - nonces[0]! + 1);
    expect(new Set(nonces).size).toBe(100);

    // Pipelined, not one per block: fewer blocks than payouts, and blocks holding several. A submitter
    // that waited for each receipt would have sent one while local-b was held, and then one a block.
    // How many per block depends on how fast the local stack submits (bench:pipeline measures it).
    const perBlock = new Map<number, number>();
    for (const receipt of receipts) perBlock.set(receipt!.blockNumber, (perBlock.get(receipt!.blockNumber) ?? 0) + 1);
    expect(perBlock.size).toBeLessThan(100);
    expect(Math.max(...perBlock.values())).toBeGreaterThanOrEqual(3);
  }, 420_000);

  it("pays a payment on another chain without waiting for a burst's payouts ahead of it in the stream", async () => {
    const { other, burstWhenOtherPaid } = await runBurst();
    // Its event was written after the burst's 300 and its group (local-a's hot wallet) is free: it is
    // relayed, submitted and confirmed while every payout of the burst waits for local-b's next block.
    expect(other.status).toBe('succeeded');
    expect(burstWhenOtherPaid.map((p) => p.status)).toEqual(Array.from({ length: 100 }, () => 'processing'));
  }, 420_000);
});
