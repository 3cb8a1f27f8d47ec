import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Chain } from '#chains';
import { inFlightAttribute, inFlightGasAttribute, walletKey, type Payout, type PayoutReservation } from './items.js';

/** A wallet's payouts signed and not yet final, in chain units, from its WALLET item. */
export interface InFlight {
  /** Per asset symbol. */
  amounts: Record<string, bigint>;
  gasWei: bigint;
}

export function inFlightFromItem(item: Record<string, AttributeValue> | undefined, chain: Chain): InFlight {
  const amounts: Record<string, bigint> = {};
  for (const asset of chain.assets) amounts[asset.symbol] = BigInt(item?.[inFlightAttribute(asset.symbol)]?.N ?? '0');
  return { amounts, gasWei: BigInt(item?.[inFlightGasAttribute]?.N ?? '0') };
}

export interface LiquidityCheck {
  chain: Chain;
  asset: string;
  /** The payout's amount and its gas (gas limit times the fee bid), in chain units. */
  amount: bigint;
  gasWei: bigint;
  /** On-chain balances at the chain's confirmation depth. */
  balances: { gasWei: bigint; tokens: Record<string, bigint> };
  inFlight: InFlight;
}

/**
 * Whether the wallet can pay `amount` and its gas out of what is not already promised to payouts in
 * flight. Balances are read at the confirmation depth and a payout leaves `inFlight` only once
 * final at that depth, so a payout is subtracted at least once and top-ups count once they are
 * deep: it never overstates what the wallet has. The native coin pays gas and native payouts alike.
 */
export function liquidityShortfall(check: LiquidityCheck): { tokenShort: boolean; gasShort: boolean; availableUnits: bigint } {
  const native = check.chain.assets.find((a) => a.address === 'native')?.symbol;
  const nativeInFlight = native ? check.inFlight.amounts[native] ?? 0n : 0n;
  const gasAvailable = check.balances.gasWei - check.inFlight.gasWei - nativeInFlight;
  if (check.asset === native) {
    return { tokenShort: gasAvailable < check.amount + check.gasWei, gasShort: gasAvailable < check.amount + check.gasWei, availableUnits: gasAvailable - check.gasWei };
  }
  const availableUnits = (check.balances.tokens[check.asset] ?? 0n) - (check.inFlight.amounts[check.asset] ?? 0n);
  return { tokenShort: availableUnits < check.amount, gasShort: gasAvailable < check.gasWei, availableUnits };
}

/** Nonces `firstNonce`.. of one wallet, one per reservation, in the order of `reservations`. */
export interface NonceAllocation {
  chain: string;
  wallet: string;
  keyId: string;
  firstNonce: number;
  reservations: PayoutReservation[];
}

/**
 * The WALLET item's update that takes a run of nonces and reserves the payouts' amounts, for the
 * allocation transaction. Its condition holds only if no nonce was taken and no in-flight sum grew
 * since the item was read, so the liquidity checks made on that read still hold when it commits.
 */
export function reserveWalletItem(tableName: string, chain: Chain, allocation: NonceAllocation, seen: { exists: boolean; inFlight: InFlight }): TransactWriteItem {
  const gasWei = allocation.reservations.reduce((sum, r) => sum + BigInt(r.gasWei), 0n);
  const names: Record<string, string> = { '#gas': inFlightGasAttribute };
  const values: Record<string, AttributeValue> = {
    ':next': { N: String(allocation.firstNonce + allocation.reservations.length) }, ':entity': { S: 'wallet' }, ':chain': { S: allocation.chain },
    ':wallet': { S: allocation.wallet }, ':keyId': { S: allocation.keyId }, ':gasWei': { N: gasWei.toString() }, ':seenGas': { N: seen.inFlight.gasWei.toString() },
  };
  const growth: string[] = ['(attribute_not_exists(#gas) OR #gas <= :seenGas)'];
  const adds: string[] = [];
  chain.assets.forEach((asset, i) => {
    names[`#a${i}`] = inFlightAttribute(asset.symbol);
    values[`:seen${i}`] = { N: (seen.inFlight.amounts[asset.symbol] ?? 0n).toString() };
    growth.push(`(attribute_not_exists(#a${i}) OR #a${i} <= :seen${i})`);
    const reserved = allocation.reservations.filter((r) => r.asset === asset.symbol);
    if (reserved.length === 0) return;
    values[`:amount${i}`] = { N: reserved.reduce((sum, r) => sum + BigInt(r.amount), 0n).toString() };
    adds.push(`#a${i} :amount${i}`);
  });
  if (seen.exists) values[':nonce'] = { N: String(allocation.firstNonce) };
  return {
    Update: {
      TableName: tableName,
      Key: walletKey(allocation.chain, allocation.wallet),
      UpdateExpression: `SET nextNonce = :next, entity = :entity, chain = :chain, wallet = :wallet, keyId = :keyId ADD ${[...adds, '#gas :gasWei'].join(', ')}`,
      ConditionExpression: [seen.exists ? 'nextNonce = :nonce' : 'attribute_not_exists(pk)', ...growth].join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** Gives a final payout's reservation back, in the transaction that makes it final (its version condition makes it once). */
export function releaseWalletItem(tableName: string, payout: Payout): TransactWriteItem[] {
  if (!payout.reserved) return [];
  const { asset, amount, gasWei } = payout.reserved;
  return [{
    Update: {
      TableName: tableName,
      Key: walletKey(payout.chain, payout.wallet),
      UpdateExpression: 'ADD #a :minusAmount, #gas :minusGas',
      ConditionExpression: '#a >= :amount AND #gas >= :gasWei',
      ExpressionAttributeNames: { '#a': inFlightAttribute(asset), '#gas': inFlightGasAttribute },
      ExpressionAttributeValues: { ':minusAmount': { N: (-BigInt(amount)).toString() }, ':minusGas': { N: (-BigInt(gasWei)).toString() }, ':amount': { N: amount }, ':gasWei': { N: gasWei } },
    },
  }];
}
