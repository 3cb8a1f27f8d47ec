import { GetItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { keccak256 } from 'ethers';
import { operatorActor, writeAudited, type AuditActor } from '#audit';
import { platformAccount, transferItems, type TransferIntent } from '#ledger';
import { requestApprovalItems, type ApprovalRecord } from '#merchants';
import { inFlightAttribute, inFlightGasAttribute, platformEventItem, walletKey, type PlatformEventType } from '#money';
import { conditionFailedAt, isConditionRefusal, NotFoundError } from '#platform';
import { TreasuryProposalOpenError, TransferStepRefusedError } from './errors.js';
import { openKeyOf, openTransfersPartition, terminalStatuses, transferFromItem, transferItem, transferKey, type OwnerSignature, type TransferStatus, type TreasuryTransfer } from './items.js';

export interface TransferStepDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** The platform merchant that holds the treasury: its audit log records every step. */
  platformMerchantId: string;
  now: () => Date;
  actor?: AuditActor;
}

export async function readTransfer(deps: Pick<TransferStepDeps, 'dynamodb' | 'tableName'>, id: string): Promise<TreasuryTransfer> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: transferKey(id), ConsistentRead: true }));
  if (!Item) throw new NotFoundError('treasury_transfer', id);
  return transferFromItem(Item);
}

/**
 * Transfers not yet succeeded or failed, least recently moved first, at most `limit`: each read
 * again consistently (the index holds keys only, and is eventually consistent).
 */
export async function readOpenTransfers(deps: Pick<TransferStepDeps, 'dynamodb' | 'tableName'>, limit: number): Promise<TreasuryTransfer[]> {
  const { Items = [] } = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :open',
    ExpressionAttributeValues: { ':open': { S: openTransfersPartition } }, Limit: limit,
  }));
  const transfers = await Promise.all(Items.map((item) => readTransfer(deps, item.pk!.S!.replace(/^TTRANSFER#/, '')).catch(() => undefined)));
  return transfers.filter((transfer): transfer is TreasuryTransfer => transfer !== undefined && !terminalStatuses.includes(transfer.status));
}

/** The platform event of a step: what an operator needs to follow it without reading the table. */
function stepEvent(deps: TransferStepDeps, type: PlatformEventType, transfer: TreasuryTransfer, extra: Record<string, string> = {}): TransactWriteItem {
  return platformEventItem(deps.tableName, type, {
    transfer: transfer.id, route: transfer.route, asset: transfer.asset, amount: transfer.amount,
    from_chain: transfer.from.chain, to_chain: transfer.to.chain, to_account: transfer.to.account, ...extra,
  }, deps.now());
}

/**
 * Sends a step: its own items first (the transfer's conditioned update at 0), then the event, with
 * the audit record. A failed condition on the transfer means another worker took the step, or the
 * transfer is not where the step starts: refused, nothing written.
 */
async function sendStep(deps: TransferStepDeps, transfer: TreasuryTransfer, step: string, items: TransactWriteItem[], action: string): Promise<void> {
  try {
    await writeAudited(deps, {
      items,
      audit: { merchantId: deps.platformMerchantId, actor: deps.actor ?? operatorActor, action, object: { type: 'treasury_transfer', id: transfer.id }, at: deps.now() },
    });
  } catch (error) {
    if (isConditionRefusal(error) && conditionFailedAt(error, 0)) {
      const now = await readTransfer(deps, transfer.id);
      throw new TransferStepRefusedError(transfer.id, step, now.status);
    }
    throw error;
  }
}

function statusUpdate(deps: TransferStepDeps, id: string, from: TransferStatus, to: TransferStatus, set: Record<string, string> = {}, extraCondition = ''): TransactWriteItem {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, AttributeValue> = { ':from': { S: from }, ':to': { S: to }, ':at': { S: deps.now().toISOString() } };
  const assignments = ['#status = :to', 'updatedAt = :at'];
  for (const [name, value] of Object.entries(set)) {
    names[`#${name}`] = name;
    values[`:${name}`] = { S: value };
    assignments.push(`#${name} = :${name}`);
  }
  // Open transfers are listed by last update (the schedule drives the oldest first); a finished one leaves the list.
  const listing = terminalStatuses.includes(to) ? ' REMOVE gsi2pk, gsi2sk' : ', gsi2sk = :listed';
  if (!terminalStatuses.includes(to)) values[':listed'] = { S: `${deps.now().toISOString()}#${id}` };
  return {
    Update: {
      TableName: deps.tableName,
      Key: transferKey(id),
      UpdateExpression: `SET ${assignments.join(', ')}${listing}`,
      ConditionExpression: `#status = :from${extraCondition}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Proposes a transfer, with the approval request that asks the owners for it (`approval`, made by
 * #merchants newTreasuryTransferApproval for this transfer's SafeTx hash), in one transaction:
 * written once per id (a proposal replayed writes nothing and is refused), and only while no other
 * transfer of the same Safe is open (`treasury_proposal_open`).
 */
export async function proposeTransfer(deps: TransferStepDeps, transfer: TreasuryTransfer, approval?: ApprovalRecord): Promise<void> {
  if (transfer.status !== 'proposed' || Object.keys(transfer.signatures).length > 0) throw new Error('a transfer is proposed unsigned');
  if ((transfer.safeTx === undefined) === (transfer.move === undefined)) throw new Error(`${transfer.id} is proposed with a SafeTx (out of a treasury) or a move (out of a hot wallet), exactly one`);
  if (transfer.move && (transfer.from.account !== 'hot_wallet' || transfer.move.wallet !== transfer.from.address)) throw new Error(`${transfer.id}'s move is not out of its source hot wallet`);
  if (approval && (approval.change.kind !== 'treasury.transfer' || approval.change.transferId !== transfer.id || boundHash(approval.change) !== (transfer.safeTx?.hash ?? transfer.move?.hash))) {
    throw new Error(`approval ${approval.approval.id} asks for another transfer, SafeTx or move than ${transfer.id}`);
  }
  const proposed = approval ? { ...transfer, approvalId: approval.approval.id } : transfer;
  try {
    await sendStep(deps, transfer, 'propose', [
      { Put: { TableName: deps.tableName, Item: transferItem(proposed), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: deps.tableName, Item: { ...openKeyOf(transfer), entity: { S: 'treasury-open-proposal' }, transferId: { S: transfer.id } }, ConditionExpression: 'attribute_not_exists(pk)' } },
      stepEvent(deps, 'treasury.transfer.proposed', transfer, {
        ...(transfer.safeTx ? { safe_tx_hash: transfer.safeTx.hash } : { move_hash: transfer.move!.hash, from_account: 'hot_wallet' }), ...(approval ? { approval: approval.approval.id } : {}),
      }),
      ...(approval ? requestApprovalItems(deps.tableName, approval) : []),
    ], 'treasury.transfer_proposed');
  } catch (error) {
    if (isConditionRefusal(error) && conditionFailedAt(error, 1)) throw new TreasuryProposalOpenError(transfer.from.chain, transfer.safeTx?.safe ?? transfer.move!.wallet);
    throw error;
  }
}

function boundHash(change: { safeTxHash: string } | { moveHash: string }): string {
  return 'safeTxHash' in change ? change.safeTxHash : change.moveHash;
}

/** Frees the Safe (or the hot wallet) for its next proposal, once this transfer's nonce is used or will never be. */
function releaseOpenProposal(deps: TransferStepDeps, transfer: TreasuryTransfer): TransactWriteItem {
  return {
    Delete: {
      TableName: deps.tableName, Key: openKeyOf(transfer),
      ConditionExpression: 'attribute_not_exists(pk) OR transferId = :id', ExpressionAttributeValues: { ':id': { S: transfer.id } },
    },
  };
}

/**
 * Adds owner `index`'s signature while the transfer is proposed and that owner has not signed: a
 * signature is never replaced, and none is added once it executes. Returns the transfer as stored.
 */
export async function addOwnerSignature(deps: TransferStepDeps, id: string, index: number, signature: OwnerSignature): Promise<TreasuryTransfer> {
  const transfer = await readTransfer(deps, id);
  await sendStep(deps, transfer, 'sign', [
    {
      Update: {
        TableName: deps.tableName,
        Key: transferKey(id),
        UpdateExpression: 'SET signatures.#index = :signature, updatedAt = :at',
        ConditionExpression: '#status = :proposed AND attribute_not_exists(signatures.#index)',
        ExpressionAttributeNames: { '#status': 'status', '#index': String(index) },
        ExpressionAttributeValues: { ':signature': { S: JSON.stringify(signature) }, ':proposed': { S: 'proposed' }, ':at': { S: deps.now().toISOString() } },
      },
    },
    stepEvent(deps, 'treasury.transfer.signed', transfer, { owner: String(index), owner_address: signature.owner, member: signature.memberId }),
  ], 'treasury.transfer_signed');
  return readTransfer(deps, id);
}

/**
 * Records the execTransaction sent with M signatures: from now on the transfer is the chain's, and
 * no signature is added. Conditioned on holding the threshold's count of signatures.
 */
export async function markExecuting(deps: TransferStepDeps, transfer: TreasuryTransfer, execTxHash: string, execRawTx: string): Promise<void> {
  const update = statusUpdate(deps, transfer.id, 'proposed', 'executing', { execTxHash, execRawTx }, ' AND size(signatures) >= :threshold');
  update.Update!.ExpressionAttributeValues![':threshold'] = { N: String(transfer.threshold) };
  await sendStep(deps, transfer, 'execute', [update, stepEvent(deps, 'treasury.transfer.executing', transfer, { tx_hash: execTxHash })], 'treasury.transfer_executing');
}

/** Same chain: the Safe's transfer mined. Money moved from the treasury to the hot wallet: posted. */
export async function recordSameChainSuccess(deps: TransferStepDeps, transfer: TreasuryTransfer): Promise<void> {
  if (transfer.route === 'cctp') throw new Error(`${transfer.id} crosses chains: it succeeds when minted`);
  const posting: TransferIntent = {
    kind: 'posted', id: `trf_treasury_${transfer.id}`, debit: destinationAccount(transfer), credit: sourceAccount(transfer),
    amountMinor: BigInt(transfer.amount), asset: transfer.asset,
  };
  await sendStep(deps, transfer, 'succeed', [
    statusUpdate(deps, transfer.id, 'executing', 'succeeded'),
    stepEvent(deps, 'treasury.transfer.succeeded', transfer, { tx_hash: transfer.execTxHash ?? '' }),
    releaseOpenProposal(deps, transfer),
    ...transferItems(deps.tableName, [posting], deps.now().toISOString()),
    ...releaseMoveReservation(deps, transfer),
  ], 'treasury.transfer_succeeded');
}

/**
 * Across chains: the burn mined and its message read. The tokens left the source treasury and are in
 * transit until minted; the message (and its hash, what the attestation service finds it by) is
 * recorded before anything waits on the attestation, so a worker that dies after the burn resumes
 * from it and never burns again.
 */
export async function recordBurn(deps: TransferStepDeps, transfer: TreasuryTransfer, message: string): Promise<void> {
  if (transfer.route !== 'cctp') throw new Error(`${transfer.id} stays on one chain: nothing is burned`);
  const burn = { message, messageHash: keccak256(message) };
  const posting: TransferIntent = {
    kind: 'posted', id: `trf_treasury_${transfer.id}_burn`, debit: platformAccount('in_transit:cctp', transfer.asset), credit: sourceAccount(transfer),
    amountMinor: BigInt(transfer.amount), asset: transfer.asset,
  };
  await sendStep(deps, transfer, 'burn', [
    statusUpdate(deps, transfer.id, 'executing', 'burned', { burn: JSON.stringify(burn), burnedAt: deps.now().toISOString() }),
    stepEvent(deps, 'treasury.transfer.burned', transfer, { tx_hash: transfer.execTxHash ?? '', message_hash: burn.messageHash }),
    releaseOpenProposal(deps, transfer),
    ...transferItems(deps.tableName, [posting], deps.now().toISOString()),
    ...releaseMoveReservation(deps, transfer),
  ], 'treasury.transfer_burned');
}

/** Across chains: the attested message's receiveMessage, signed and recorded before it is sent (at most one mint is ever sent). */
export async function markMinting(deps: TransferStepDeps, transfer: TreasuryTransfer, mintTxHash: string, mintRawTx: string): Promise<void> {
  await sendStep(deps, transfer, 'mint', [
    statusUpdate(deps, transfer.id, 'burned', 'minting', { mintTxHash, mintRawTx }),
    stepEvent(deps, 'treasury.transfer.minting', transfer, { tx_hash: mintTxHash }),
  ], 'treasury.transfer_minting');
}

/** Across chains: receiveMessage mined on the destination. In transit → the destination account: posted. */
export async function recordMint(deps: TransferStepDeps, transfer: TreasuryTransfer): Promise<void> {
  const mintTxHash = transfer.mintTxHash ?? '';
  const posting: TransferIntent = {
    kind: 'posted', id: `trf_treasury_${transfer.id}_mint`, debit: destinationAccount(transfer), credit: platformAccount('in_transit:cctp', transfer.asset),
    amountMinor: BigInt(transfer.amount), asset: transfer.asset,
  };
  await sendStep(deps, transfer, 'minted', [
    statusUpdate(deps, transfer.id, 'minting', 'succeeded'),
    stepEvent(deps, 'treasury.transfer.succeeded', transfer, { tx_hash: mintTxHash }),
    ...transferItems(deps.tableName, [posting], deps.now().toISOString()),
  ], 'treasury.transfer_succeeded');
}

/**
 * A transfer that will not happen: refused by the members, expired, or its execTransaction reverted.
 * Never after a burn: burned tokens are minted, however late (the attestation deadline alarms instead).
 */
export async function recordFailure(deps: TransferStepDeps, transfer: TreasuryTransfer, from: 'proposed' | 'executing', failure: string, options: { unsigned?: boolean } = {}): Promise<void> {
  await sendStep(deps, transfer, 'fail', [
    // `unsigned`: only while nothing was signed for it (a refusal must never fail a move another delivery signed meanwhile).
    statusUpdate(deps, transfer.id, from, 'failed', { failure }, options.unsigned ? ' AND attribute_not_exists(execTxHash)' : ''),
    stepEvent(deps, 'treasury.transfer.failed', transfer, { failure }),
    releaseOpenProposal(deps, transfer),
    ...releaseMoveReservation(deps, transfer),
  ], 'treasury.transfer_failed');
}

/**
 * Out of a hot wallet, once its transaction is final at the chain's depth (or will never be mined):
 * what chain-submit reserved of the wallet's balance for it is given back to the WALLET item's
 * in-flight sums, in the step's own transaction (its status condition makes it once). Payouts read
 * balances at that depth, so from then on the balance itself no longer holds the money.
 */
function releaseMoveReservation(deps: TransferStepDeps, transfer: TreasuryTransfer): TransactWriteItem[] {
  const submission = transfer.moveSubmission;
  if (!submission) return [];
  const { asset, amount, gasWei } = submission.reserved;
  return [{
    Update: {
      TableName: deps.tableName,
      Key: walletKey(transfer.from.chain, submission.wallet),
      UpdateExpression: 'ADD #a :minusAmount, #gas :minusGas',
      ConditionExpression: '#a >= :amount AND #gas >= :gasWei',
      ExpressionAttributeNames: { '#a': inFlightAttribute(asset), '#gas': inFlightGasAttribute },
      ExpressionAttributeValues: { ':minusAmount': { N: (-BigInt(amount)).toString() }, ':minusGas': { N: (-BigInt(gasWei)).toString() }, ':amount': { N: amount }, ':gasWei': { N: gasWei } },
    },
  }];
}

/**
 * Out of a hot wallet, approved by the counted votes: handed to chain-submit, which signs it with
 * the wallet's key (lib/treasury/moves/submit.ts). From here no vote changes it; the transfer is
 * the chain's once chain-submit records the signed transactions.
 */
export async function markMoveRequested(deps: TransferStepDeps, transfer: TreasuryTransfer, approvedBy: string[]): Promise<void> {
  if (!transfer.move) throw new Error(`${transfer.id} moves out of a treasury: its owners sign it`);
  await sendStep(deps, transfer, 'request_move', [
    statusUpdate(deps, transfer.id, 'proposed', 'executing', { approvedBy: approvedBy.join(',') }, ' AND attribute_not_exists(execTxHash)'),
    stepEvent(deps, 'treasury.transfer.executing', transfer, { move_hash: transfer.move.hash, approved_by: approvedBy.join(',') }),
  ], 'treasury.transfer_executing');
}

/** Transfers out of hot wallets not yet final: what a reconciler comparing a hot wallet's balance with the ledger leaves aside. */
export async function openHotWalletMoves(deps: Pick<TransferStepDeps, 'dynamodb' | 'tableName'>, chain: string, limit = 50): Promise<TreasuryTransfer[]> {
  return (await readOpenTransfers(deps, limit)).filter((t) => t.from.account === 'hot_wallet' && t.from.chain === chain);
}

function sourceAccount(transfer: TreasuryTransfer) {
  return platformAccount(transfer.from.account === 'hot_wallet' ? `hotwallet:${transfer.from.chain}` : `treasury:${transfer.from.chain}`, transfer.asset);
}

function destinationAccount(transfer: TreasuryTransfer) {
  return platformAccount(transfer.to.account === 'hot_wallet' ? `hotwallet:${transfer.to.chain}` : `treasury:${transfer.to.chain}`, transfer.asset);
}

/**
 * A burn whose attestation has not come within the deadline: reported once (the event, and the
 * function's alarm metric on that run). The burn stays in transit and is minted when it comes.
 */
export async function recordAttestationOverdue(deps: TransferStepDeps, transfer: TreasuryTransfer, waitedMs: number): Promise<boolean> {
  try {
    await sendStep(deps, transfer, 'overdue', [
      {
        Update: {
          TableName: deps.tableName, Key: transferKey(transfer.id),
          UpdateExpression: 'SET overdueAt = :at', ConditionExpression: '#status = :burned AND attribute_not_exists(overdueAt)',
          ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':at': { S: deps.now().toISOString() }, ':burned': { S: 'burned' } },
        },
      },
      platformEventItem(deps.tableName, 'treasury.attestation_overdue', {
        transfer: transfer.id, from_chain: transfer.from.chain, to_chain: transfer.to.chain, message_hash: transfer.burn?.messageHash ?? '', waited_seconds: String(Math.round(waitedMs / 1000)),
      }, deps.now()),
    ], 'treasury.attestation_overdue');
    return true;
  } catch (error) {
    if (error instanceof TransferStepRefusedError) return false;
    throw error;
  }
}
