import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { Chain, ChainAdapter } from '#chains';
import { ledgerDecimals } from '#ledger';
import { currentHotWallet, inFlightPayoutItems, isWaiting, paymentKey, paymentSchema, payoutStatuses } from '#money';
import { jsonAttribute, readItem } from '#platform';

/** What a hot wallet can still pay out of one asset, in ledger minor units. */
export interface WalletPosition {
  wallet: string;
  balanceMinor: bigint;
  /** Payouts accepted but not yet mined (waiting, or signed at a nonce the chain has not reached): still in the balance, already promised. */
  inFlightMinor: bigint;
  inFlightCount: number;
  availableMinor: bigint;
}

/** Chain units (the token's decimals) down to ledger minor units, rounding down: never overstate a balance. */
export function toLedgerUnits(amount: bigint, asset: string, tokenDecimals: number): bigint {
  const decimals = ledgerDecimals[asset];
  if (decimals === undefined) throw new Error(`no ledger decimals for ${asset}`);
  return amount / 10n ** BigInt(Math.max(0, tokenDecimals - decimals));
}

/**
 * The hot wallet's on-chain token balance (through the chain adapter) minus its payouts in flight:
 * the payouts listed under gsi1 `INFLIGHT#<chain>` (a sparse index, so the query reads only
 * unfinished payouts), their amounts read from the payment items in one BatchGetItem per 100.
 * Balance and nonce are read at one block: a payout mined by then but not yet final is already out of
 * that balance, so it is not subtracted again; nor is a retired wallet's payout, paid from another balance.
 * The wallet is the one payouts use now (CHAIN#<chain>/HOTWALLET after a `chain rotate-wallet`), not the
 * registry's key, which after a rotation names a wallet being emptied.
 */
export async function walletPosition(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  chain: Chain,
  registryAdapter: Pick<ChainAdapter, 'withKey'>,
  asset: string,
): Promise<WalletPosition> {
  const token = chain.assets.find((candidate) => candidate.symbol === asset);
  if (!token) throw new Error(`chain ${chain.name} carries no ${asset}`);
  const adapter = registryAdapter.withKey((await currentHotWallet(deps, chain)).keyId);
  const [wallet, head] = await Promise.all([adapter.hotWalletAddress(), adapter.headBlock()]);
  const [balances, minedNonce] = await Promise.all([adapter.balances(head), adapter.minedNonce(head)]);
  const inFlight = await inFlightPayouts(deps, chain.name, asset, (payout) => isWaiting(payout.status)
    || (payout.wallet.toLowerCase() === wallet.toLowerCase() && (payout.nonce === undefined || payout.nonce >= minedNonce)));
  const balanceMinor = toLedgerUnits(balances.tokens[asset] ?? 0n, asset, token.decimals);
  return { wallet, balanceMinor, ...inFlight, availableMinor: balanceMinor - inFlight.inFlightMinor };
}

const inFlightPayoutSchema = z.object({ paymentId: z.string().optional(), status: z.enum(payoutStatuses), wallet: z.string().default(''), nonce: z.number().optional() });
type InFlightPayout = Omit<z.output<typeof inFlightPayoutSchema>, 'paymentId'>;

async function inFlightPayouts(deps: { dynamodb: DynamoDBClient; tableName: string }, chain: string, asset: string, counts: (payout: InFlightPayout) => boolean) {
  const paymentIds: string[] = [];
  for await (const item of inFlightPayoutItems(deps, chain, 'paymentId, #status, wallet, nonce', { '#status': 'status' })) {
    const { paymentId, ...payout } = readItem(inFlightPayoutSchema, item);
    if (paymentId && counts(payout)) paymentIds.push(paymentId);
  }

  let inFlightMinor = 0n;
  let inFlightCount = 0;
  for (let i = 0; i < paymentIds.length; i += 100) {
    let keys = paymentIds.slice(i, i + 100).map(paymentKey);
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt === 8) throw new Error(`could not read ${keys.length} in-flight payments of ${chain}`);
      const result = await deps.dynamodb.send(new BatchGetItemCommand({ RequestItems: { [deps.tableName]: { Keys: keys, ProjectionExpression: '#object', ExpressionAttributeNames: { '#object': 'object' } } } }));
      for (const item of result.Responses?.[deps.tableName] ?? []) {
        const payment = readItem(z.object({ object: jsonAttribute(paymentSchema) }), item).object;
        if (payment.asset !== asset) continue;
        inFlightMinor += BigInt(payment.amount_captured);
        inFlightCount += 1;
      }
      keys = (result.UnprocessedKeys?.[deps.tableName]?.Keys ?? []) as typeof keys;
      if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
  return { inFlightMinor, inFlightCount };
}
