import { GetItemCommand, TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { getAddress } from 'ethers';
import * as z from 'zod';
import { writeAudited } from '#audit';
import { ChainUnavailableError, isTransportError, type Chain, type ChainAdapter, type FeeBid } from '#chains';
import { treasuryApprovalState, treasuryMerchant } from '#merchants';
import {
  activeKeyCondition, currentHotWallet, hotWalletGroup, inFlightFromItem, liquidityShortfall, nextNonceOf, nonceKey, platformEventItem, reserveWalletItem, walletKey,
  type PayoutDeps,
} from '#money';
import { conditionFailedAt } from '#platform';
import type { MoveSubmission, TreasuryTransfer } from '../transfers/items.js';
import { moveSignedKey, transferKey } from '../transfers/items.js';
import { readTransfer, recordFailure, type TransferStepDeps } from '../transfers/steps.js';
import { moveCalls } from './move.js';
import { moveMismatch } from './verify.js';

/** The message the treasury function puts on chain-submit's FIFO queue for an approved move out of a hot wallet. */
export const hotWalletMoveMessageSchema = z.strictObject({
  type: z.literal('treasury.move.requested'),
  transferId: z.string().regex(/^tt_[0-9a-z]{8,64}$/),
  chain: z.string(),
});
export type HotWalletMoveMessage = z.infer<typeof hotWalletMoveMessageSchema>;

/**
 * The SendMessage input of a move's request: in the source hot wallet's message group (its payouts'
 * and sweeps'), so its nonces are taken in line with theirs. Deduplicated per minute: a drive that
 * asks again within it adds nothing, and chain-submit answers a later one by re-broadcasting.
 */
export function hotWalletMoveMessage(queueUrl: string, transfer: Pick<TreasuryTransfer, 'id' | 'from'>, now: Date) {
  const body: HotWalletMoveMessage = { type: 'treasury.move.requested', transferId: transfer.id, chain: transfer.from.chain };
  return {
    QueueUrl: queueUrl, MessageBody: JSON.stringify(body), MessageGroupId: hotWalletGroup(transfer.from.chain),
    MessageDeduplicationId: `${transfer.id}-${Math.floor(now.getTime() / 60_000)}`,
  };
}

export type MoveSubmitOutcome = 'submitted' | 'rebroadcast' | 'waiting_wallet' | 'refused' | 'nothing_to_do';

/**
 * Gas limit of a CCTP burn from a hot wallet: its estimate would revert until the approve before it
 * is mined (the allowance is not there yet), so a fixed limit above what depositForBurn uses.
 */
const burnGasLimit = 300_000n;
const maxNonceRaces = 5;

/**
 * chain-submit's side of a move out of a hot wallet, once the treasury function found it approved:
 * signs it with the wallet's key exactly once. It checks again, from the records, that the counted
 * votes approve it and that the stored move is the approved one and pays only where the registry
 * says (the chain's treasury Safe; across chains the destination's hot wallet, through its
 * TokenMessenger, relayed by its relayer), and that the wallet holds the amount net of its payouts
 * in flight. Then ONE transaction takes the nonce(s) on the WALLET item (shared with payouts and
 * sweeps), adds the amount and gas to its in-flight sums (so no payout spends what the move takes:
 * the payouts' allocation is conditioned on those sums), writes a NONCE item naming the transfer per
 * nonce, and records the signed transactions on the transfer, conditioned on none being recorded;
 * only then are they broadcast, in nonce order. A redelivery re-broadcasts the recorded bytes.
 * The treasury function confirms it (lib/treasury/transfers/executor.ts).
 */
export async function submitHotWalletMove(deps: PayoutDeps, transferId: string): Promise<MoveSubmitOutcome> {
  const transfer = await readTransfer(deps, transferId).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'not_found') return undefined;
    throw error;
  });
  if (!transfer || transfer.from.account !== 'hot_wallet' || transfer.status !== 'executing') return 'nothing_to_do';
  if (transfer.moveSubmission) {
    await rebroadcast(deps, transfer.from.chain, transfer.moveSubmission);
    return 'rebroadcast';
  }
  const platformMerchantId = await treasuryMerchant(deps);
  if (!platformMerchantId) throw new Error(`${transferId}: no treasury merchant is bound`);
  const steps: TransferStepDeps = { dynamodb: deps.dynamodb, tableName: deps.tableName, platformMerchantId, now: deps.now, actor: { type: 'system', id: 'chain-submit' } };
  const refuse = async (reason: string): Promise<MoveSubmitOutcome> => {
    await recordFailure(steps, transfer, 'executing', reason, { unsigned: true }).catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'treasury_transfer_step_refused') throw error;
    });
    return 'refused';
  };

  // The votes, not the request item's status, and not the transfer's status: whoever could write either moves nothing.
  const approval = await treasuryApprovalState(deps, platformMerchantId, transfer.approvalId ?? '');
  if (approval.transferId !== transfer.id) return refuse(`approval ${approval.approvalId} is for ${approval.transferId}`);
  if (approval.signers.length < Math.max(approval.required, transfer.threshold)) return refuse(`approval ${approval.approvalId} has ${approval.signers.length} counted votes of ${Math.max(approval.required, transfer.threshold)}`);
  const mismatch = moveMismatch(transfer, approval.moveHash);
  if (mismatch) return refuse(mismatch);
  const move = transfer.move!;

  const chain = deps.chains.get(transfer.from.chain);
  if (!chain) throw new Error(`chain ${transfer.from.chain} is not in the chain registry`);
  const hotWallet = await currentHotWallet(deps, chain);
  if (hotWallet.state === 'draining') return 'waiting_wallet'; // the treasury function asks again after the rotation
  const adapter = deps.adapter(chain.name).withKey(hotWallet.keyId);
  const wallet = getAddress(await adapter.hotWalletAddress());
  if (wallet !== getAddress(move.wallet)) return refuse(`the hot wallet of ${chain.name} is ${wallet} now, not the approved ${move.wallet}`);
  const unregistered = await registryMismatch(deps, chain, transfer);
  if (unregistered) return refuse(unregistered);

  const calls = moveCalls(move);
  const fees = await adapter.quoteFees();
  const gasLimits = await Promise.all(calls.map((call, i) => (move.cctp && i === 1 ? burnGasLimit : adapter.estimateCallGas(call))));
  const price = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
  const amount = BigInt(move.amount);
  const gasWei = gasLimits.reduce((sum, limit) => sum + limit * price, 0n);
  const asset = transfer.asset;
  const head = await adapter.headBlock();
  const balances = await adapter.balances(Math.max(0, head - Math.max(chain.confirmations, 1) + 1));

  for (let race = 0; race < maxNonceRaces; race += 1) {
    // Another delivery may have signed it while this one raced for the nonce: that one is the move.
    if (race > 0 && (await readTransfer(deps, transferId)).execTxHash) return submitHotWalletMove(deps, transferId);
    const walletItem = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: walletKey(chain.name, wallet), ConsistentRead: true }))).Item;
    const inFlight = inFlightFromItem(walletItem, chain);
    const short = liquidityShortfall({ chain, asset, amount, gasWei, balances, inFlight });
    if (short.tokenShort || short.gasShort) return refuse(`hot wallet ${wallet} holds ${short.availableUnits} ${asset} net of its payouts in flight, short of the move's ${amount}${short.gasShort ? ' or its gas' : ''}`);
    const firstNonce = walletItem ? nextNonceOf(walletItem) : await adapter.pendingNonce();
    const signed = await signInOrder(adapter, calls, firstNonce, fees, gasLimits);
    const submission: MoveSubmission = {
      wallet, keyId: hotWallet.keyId, firstNonce, txs: signed.map((tx) => ({ hash: tx.hash, raw: tx.raw })),
      reserved: { asset, amount: amount.toString(), gasWei: gasWei.toString() }, signedAt: deps.now().toISOString(),
    };
    const last = submission.txs.at(-1)!;
    const items: TransactWriteItem[] = [
      reserveWalletItem(deps.tableName, chain, {
        chain: chain.name, wallet, keyId: hotWallet.keyId, firstNonce,
        // The amount once, on the first nonce; the gas of each transaction on its own.
        reservations: signed.map((_, i) => ({ asset, amount: i === 0 ? amount.toString() : '0', gasWei: (gasLimits[i]! * price).toString() })),
      }, { exists: walletItem !== undefined, inFlight }),
      {
        Update: {
          TableName: deps.tableName, Key: transferKey(transfer.id),
          UpdateExpression: 'SET moveSubmission = :submission, execTxHash = :hash, execRawTx = :raw, updatedAt = :at',
          ConditionExpression: '#status = :executing AND attribute_not_exists(execTxHash)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':submission': { S: JSON.stringify(submission) }, ':hash': { S: last.hash }, ':raw': { S: last.raw }, ':at': { S: deps.now().toISOString() }, ':executing': { S: 'executing' },
          },
        },
      },
      ...signed.map((tx, i): TransactWriteItem => ({
        Put: {
          TableName: deps.tableName,
          Item: { ...nonceKey(chain.name, wallet, firstNonce + i), entity: { S: 'nonce' }, transferId: { S: transfer.id }, hash: { S: tx.hash } },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
      activeKeyCondition(deps.tableName, hotWallet),
      // The treasury function follows the transaction from this event (and from its schedule).
      platformEventItem(deps.tableName, 'treasury.transfer.executing', {
        transfer: transfer.id, route: transfer.route, asset, amount: transfer.amount, from_chain: chain.name, to_chain: transfer.to.chain, to_account: transfer.to.account,
        from_account: 'hot_wallet', tx_hash: last.hash, nonce: String(firstNonce + signed.length - 1),
      }, deps.now()),
      // Once per move, whatever becomes of the transfer item.
      { Put: { TableName: deps.tableName, Item: { ...moveSignedKey(move.hash), entity: { S: 'treasury-move-signed' }, transferId: { S: transfer.id }, hash: { S: last.hash } }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ];
    try {
      // Audited like every other step of a transfer (its own items first, so their indices hold in a cancellation).
      await writeAudited(steps, {
        items,
        audit: { merchantId: platformMerchantId, actor: steps.actor!, action: 'treasury.transfer_move_signed', object: { type: 'treasury_transfer', id: transfer.id }, at: deps.now() },
      });
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (conditionFailedAt(error, 1)) return submitHotWalletMove(deps, transferId); // another delivery signed it: re-broadcast that
      if (conditionFailedAt(error, 2 + signed.length)) return 'waiting_wallet'; // a rotation began
      if (conditionFailedAt(error, 4 + signed.length)) return refuse(`move ${move.hash} was signed once already: the transfer's record of it was removed`);
      continue; // a payout or sweep took the nonce or grew the in-flight sums meanwhile
    }
    await rebroadcast(deps, chain.name, submission);
    return 'submitted';
  }
  throw new Error(`could not allocate a nonce for ${transferId} on ${chain.name} after ${maxNonceRaces} races`);
}

async function signInOrder(adapter: ChainAdapter, calls: { to: string; data: string }[], firstNonce: number, fees: FeeBid, gasLimits: bigint[]) {
  return Promise.all(calls.map((call, i) => adapter.signCall(call, firstNonce + i, fees, gasLimits[i]!)));
}

/**
 * Where the registry says a hot wallet's money may go, against the move: the chain's own USDC;
 * on one chain its treasury Safe; across chains its TokenMessenger, the destination's domain, the
 * destination's hot wallet as the mint recipient and its relayer as the only destination caller.
 */
async function registryMismatch(deps: PayoutDeps, chain: Chain, transfer: TreasuryTransfer): Promise<string | undefined> {
  const move = transfer.move!;
  const same = (a: string | undefined, b: string) => a !== undefined && getAddress(a) === getAddress(b);
  const usdc = chain.assets.find((asset) => asset.symbol === transfer.asset);
  if (move.chainId !== chain.chainId) return `the move is for chain id ${move.chainId}, not ${chain.name}'s ${chain.chainId}`;
  if (!usdc || !same(usdc.address, move.token)) return `the move's token ${move.token} is not ${chain.name}'s ${transfer.asset}`;
  if (!move.cctp) {
    if (transfer.to.chain !== chain.name || !same(chain.treasury?.safe, move.recipient)) return `the move pays ${move.recipient}, not ${chain.name}'s treasury Safe`;
    return undefined;
  }
  const destination = deps.chains.get(transfer.to.chain);
  if (!destination?.cctp || !chain.cctp || !destination.treasury) return `no CCTP route from ${chain.name} to ${transfer.to.chain}`;
  if (!same(chain.cctp.tokenMessenger, move.cctp.tokenMessenger)) return `the burn goes through ${move.cctp.tokenMessenger}, not ${chain.name}'s TokenMessenger`;
  if (destination.cctp.domain !== move.cctp.destinationDomain) return `the burn is for domain ${move.cctp.destinationDomain}, not ${destination.name}'s ${destination.cctp.domain}`;
  if (!same(destination.treasury.relayerAddress, move.cctp.destinationCaller)) return `the burn names ${move.cctp.destinationCaller} its destination caller, not ${destination.name}'s relayer`;
  const destinationWallet = await currentHotWallet(deps, destination);
  const mintTo = await deps.adapter(destination.name).withKey(destinationWallet.keyId).hotWalletAddress();
  if (!same(mintTo, move.cctp.mintRecipient)) return `the burn mints to ${move.cctp.mintRecipient}, not ${destination.name}'s hot wallet ${mintTo}`;
  return undefined;
}

/**
 * The recorded bytes, in nonce order. The record is what matters: the treasury function sends the
 * same bytes again while they are unmined, and a refusal for good surfaces there (its drive fails
 * and alarms), never by holding up the wallet's message group (its payouts) here.
 */
async function rebroadcast(deps: PayoutDeps, chain: string, submission: MoveSubmission): Promise<void> {
  let answers: unknown[];
  try {
    answers = await deps.adapter(chain).withKey(submission.keyId).broadcastInOrder(submission.txs.map((tx) => tx.raw));
  } catch (error) {
    answers = [error];
  }
  if (answers.some((answer) => isTransportError(answer) || answer instanceof ChainUnavailableError)) deps.signal({ kind: 'chain_unavailable', chain });
}
