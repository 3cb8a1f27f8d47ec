import { GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { Interface } from 'ethers';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ChainUnavailableError, isTransportError, sweepDestination } from '#chains';
import { platformAccount, transferItems } from '#ledger';
import { conditionFailedAt } from '#platform';
import { chargeSalt } from '../charges/addresses.js';
import type { PayoutDeps } from '../payouts/deps.js';
import { currentHotWallet } from '../payouts/hot-wallet.js';
import { feesToItem, nextNonceOf, nonceKey, walletKey } from '../payouts/items.js';
import { sweepFromItem, sweepGasKey, sweepItem, sweepKey, type Sweep } from './items.js';

const factoryAbi = new Interface(['function sweep(address token, bytes32[] salts, address recipient)']);
const maxNonceRaces = 5;

export type SweepOutcome = 'submitted' | 'rebroadcast' | 'nothing_to_do' | 'confirming' | 'succeeded' | 'failed';

export async function readSweep(deps: Pick<PayoutDeps, 'dynamodb' | 'tableName'>, id: string): Promise<Sweep | undefined> {
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: sweepKey(id), ConsistentRead: true }))).Item;
  return item ? sweepFromItem(item) : undefined;
}

/**
 * Puts a planned sweep on chain once, exactly as a payout goes (lib/money/payouts/submit.ts): the nonce
 * comes from the hot wallet's item (conditional, shared with payouts), the nonce item names the
 * sweep, and the signed transaction is recorded before it is broadcast; a redelivery re-broadcasts.
 */
export async function submitSweep(deps: PayoutDeps, sweepId: string): Promise<SweepOutcome> {
  const sweep = await readSweep(deps, sweepId);
  if (!sweep || sweep.status === 'succeeded' || sweep.status === 'failed') return 'nothing_to_do';
  if (sweep.status === 'pending') {
    await broadcast(deps, sweep);
    await scheduleSweepCheck(deps, sweep.id);
    return 'rebroadcast';
  }
  const chain = deps.chains.get(sweep.chain);
  const token = chain?.assets.find((a) => a.symbol === sweep.asset);
  if (!chain?.depositFactory || !token || token.address === 'native') throw new Error(`chain ${sweep.chain} has no deposit factory or no ERC-20 ${sweep.asset}`);
  // The factory's sweeper is the registry's hot-wallet key (DepositFactory.sweeper is fixed at its
  // deployment), so that key signs and takes the nonce, even after a rotation. What it sweeps goes to
  // the wallet payouts use now: after `chain rotate-wallet`, the new one, not the wallet being emptied.
  const adapter = deps.adapter(sweep.chain);
  const wallet = await adapter.hotWalletAddress();
  // The registry refuses sweepTo treasury without a treasury (lib/chains/registry.ts).
  const to = sweepDestination(chain);
  const recipient = to === 'treasury' ? chain.treasury!.safe : await adapter.withKey((await currentHotWallet(deps, chain)).keyId).hotWalletAddress();
  const call = { to: chain.depositFactory, data: factoryAbi.encodeFunctionData('sweep', [token.address, sweep.chargeIds.map(chargeSalt), recipient]) };
  const gasLimit = await adapter.estimateCallGas(call);
  const fees = await adapter.quoteFees();
  for (let race = 0; race < maxNonceRaces; race += 1) {
    const walletItem = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: walletKey(sweep.chain, wallet), ConsistentRead: true }))).Item;
    const nonce = walletItem ? nextNonceOf(walletItem) : await adapter.pendingNonce();
    const signed = await adapter.signCall(call, nonce, fees, gasLimit);
    const next: Sweep = {
      ...sweep, status: 'pending', wallet, nonce, to, recipient, version: sweep.version + 1,
      attempts: [{ kind: 'payout', hash: signed.hash, raw: signed.raw, fees: feesToItem(signed.fees), atMs: deps.now().getTime() }],
    };
    try {
      await deps.dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: deps.tableName,
              Key: walletKey(sweep.chain, wallet),
              UpdateExpression: 'SET nextNonce = :next, entity = :entity, chain = :chain, wallet = :wallet',
              ConditionExpression: walletItem ? 'nextNonce = :nonce' : 'attribute_not_exists(pk)',
              ExpressionAttributeValues: {
                ':next': { N: String(nonce + 1) }, ':entity': { S: 'wallet' }, ':chain': { S: sweep.chain }, ':wallet': { S: wallet },
                ...(walletItem ? { ':nonce': { N: String(nonce) } } : {}),
              },
            },
          },
          { Put: { TableName: deps.tableName, Item: sweepItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(sweep.version) } } } },
          { Put: { TableName: deps.tableName, Item: { ...nonceKey(sweep.chain, wallet, nonce), entity: { S: 'nonce' }, sweepId: { S: sweep.id }, hash: { S: signed.hash } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }));
    } catch (error) {
      if (conditionFailedAt(error, 1)) return submitSweep(deps, sweepId); // another delivery won
      if (conditionFailedAt(error, 0)) continue; // a payout took that nonce
      throw error;
    }
    await broadcast(deps, next);
    await scheduleSweepCheck(deps, sweep.id);
    return 'submitted';
  }
  throw new Error(`could not allocate a nonce for sweep ${sweepId} on ${sweep.chain} after ${maxNonceRaces} races`);
}

async function broadcast(deps: PayoutDeps, sweep: Sweep): Promise<void> {
  const latest = sweep.attempts.at(-1);
  if (!latest) return;
  try {
    await deps.adapter(sweep.chain).broadcast(latest.raw);
  } catch (error) {
    // The record is what matters: chain-check looks again and re-broadcasts the same bytes.
    if (isTransportError(error) || error instanceof ChainUnavailableError) deps.signal({ kind: 'chain_unavailable', chain: sweep.chain });
    else throw error;
  }
}

/**
 * One look at a pending sweep (chain-check): at the confirmation depth, the sweep succeeds and the
 * ledger moves the batch from the chain's deposits account to the account of where it went (its
 * hot wallet's, or its treasury's when the chain sweeps to its treasury), the gas it
 * cost recorded on the sweep and added to the chain's sweep-gas total, in one transaction.
 */
export async function checkSweep(deps: PayoutDeps, sweepId: string): Promise<SweepOutcome> {
  const sweep = await readSweep(deps, sweepId);
  if (!sweep || sweep.status !== 'pending') return 'nothing_to_do';
  const adapter = deps.adapter(sweep.chain);
  const latest = sweep.attempts.at(-1)!;
  const receipt = await adapter.receipt(latest.hash);
  if (!receipt) {
    if (!(await adapter.isKnown(latest.hash))) await broadcast(deps, sweep);
    await scheduleSweepCheck(deps, sweep.id);
    return 'confirming';
  }
  const required = Math.max(deps.chains.get(sweep.chain)?.confirmations ?? 1, 1);
  if ((await adapter.headBlock()) - receipt.blockNumber + 1 < required) {
    await scheduleSweepCheck(deps, sweep.id);
    return 'confirming';
  }
  const gas = await adapter.gasPaid(latest.hash);
  const gasCostWei = gas ? gas.gasUsed * gas.effectiveGasPrice : 0n;
  const next: Sweep = {
    ...sweep, status: receipt.succeeded ? 'succeeded' : 'failed', txHash: receipt.hash, version: sweep.version + 1,
    ...(gas ? { gasUsed: gas.gasUsed, gasCostWei } : {}),
  };
  const nowIso = deps.now().toISOString();
  const transfers = receipt.succeeded
    ? transferItems(deps.tableName, [{
      kind: 'posted', id: `trf_sweep_${sweep.id}`, debit: platformAccount(sweep.to === 'treasury' ? `treasury:${sweep.chain}` : `hotwallet:${sweep.chain}`, sweep.asset),
      credit: platformAccount(`deposits:${sweep.chain}`, sweep.asset), amountMinor: sweep.amountMinor, asset: sweep.asset,
    }], nowIso)
    : [];
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: deps.tableName, Item: sweepItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(sweep.version) } } } },
        {
          Update: {
            TableName: deps.tableName, Key: sweepGasKey(sweep.chain),
            UpdateExpression: 'ADD gasWei :wei, sweeps :one SET entity = :entity',
            ExpressionAttributeValues: { ':wei': { N: gasCostWei.toString() }, ':one': { N: '1' }, ':entity': { S: 'sweep-gas' } },
          },
        },
        ...transfers,
      ],
    }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) return 'nothing_to_do'; // another check finished it
    throw error;
  }
  return receipt.succeeded ? 'succeeded' : 'failed';
}


/** Asks chain-check for another look at the sweep later, as payouts do (a delayed message). */
async function scheduleSweepCheck(deps: PayoutDeps, sweepId: string): Promise<void> {
  await deps.sqs.send(new SendMessageCommand({
    QueueUrl: deps.checkQueueUrl,
    MessageBody: JSON.stringify({ sweepId }),
    DelaySeconds: Math.min(Math.max(deps.checkDelaySeconds, 0), 900),
  }));
}
