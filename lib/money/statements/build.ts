import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { inclusionProofs, readRecordsNear, signStatement, type InclusionProof, type LaneRecord } from '#audit';
import type { ChainRegistry } from '#chains';
import { openingBalanceSource, readBalanceTransactionsBetween, type LedgerEntry } from '#ledger';
import { readPayment } from '../payments/settle.js';
import { getRefund } from '../refunds/query.js';
import { StatementTooLargeError } from './errors.js';
import { signedStatement, statementBody, type StatementRow } from './format.js';

export interface StatementDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  /** The audit signing key: it signs the file too (docs/statements.md, "The file's signature"). */
  signingKeyId: string;
  registry: ChainRegistry;
  now: () => Date;
}

/**
 * How far a record's `at` may lie from its balance transaction's `created`: a batch is created no
 * earlier than the account's last one, which another container's clock may have set a little ahead.
 */
const recordSlackMs = 15 * 60_000;

/**
 * The merchant's statement for [fromMs, toMs): one row per balance transaction, oldest first, each
 * with the audit record whose `movements` name its transfer (the record of its own transaction),
 * that record's inclusion proof once a closed period covers it, the records of its lane between it
 * and the lane's previous row, and the transaction that moved it on chain; signed at the end.
 * StatementTooLargeError past `maxBytes` (one HTTP response), before anything is signed.
 */
export async function buildStatement(deps: StatementDeps, request: { merchantId: string; fromMs: number; toMs: number; maxBytes?: number }): Promise<string> {
  const { merchantId, fromMs, toMs } = request;
  const [entries, lanes] = await Promise.all([
    readBalanceTransactionsBetween(deps, merchantId, fromMs, toMs),
    readRecordsNear(deps, merchantId, { fromMs, toMs, slackMs: recordSlackMs }),
  ]);
  const byTransfer = recordsByTransfer(lanes);
  const records = entries.map((entry, index) => recordOf(entry, index, entries, byTransfer));
  const distinct = [...new Map(records.filter((r): r is LaneRecord => r !== undefined).map((r) => [r.record_id, r])).values()];
  const proofs = new Map((await inclusionProofs(deps, merchantId, distinct)).map((proof, i) => [distinct[i]!.record_id, proof]));
  const onChain = await Promise.all(entries.map((entry) => chainColumns(deps, merchantId, entry)));
  const rows = statementRows(entries, lanes, proofs, onChain);
  const body = statementBody({ merchantId, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), createdAt: deps.now().toISOString() }, rows);
  const bytes = Buffer.byteLength(body);
  if (request.maxBytes !== undefined && bytes > request.maxBytes) throw new StatementTooLargeError(rows.length, bytes, request.maxBytes);
  return signedStatement(body, await signStatement(deps, body));
}

/**
 * The rows of a statement (pure): each entry with the record that states its transfer, that
 * record's proof (if a closed period covers it), the lane's records between it and the lane's
 * previous row record (on the record's first row), and its on-chain columns.
 */
export function statementRows(
  entries: LedgerEntry[], lanes: LaneRecord[][], proofs: Map<string, InclusionProof | undefined>, onChain: { chain_id: string; token: string; chain_tx_hash: string }[],
): StatementRow[] {
  const byTransfer = recordsByTransfer(lanes);
  const records = entries.map((entry, index) => recordOf(entry, index, entries, byTransfer));
  const gaps = laneGaps(lanes, [...new Map(records.filter((r): r is LaneRecord => r !== undefined).map((r) => [r.record_id, r])).values()]);
  const placed = new Set<string>();
  return entries.map((entry, index) => {
    const record = records[index];
    const gap = record && !placed.has(record.record_id) ? gaps.get(record.record_id) : undefined;
    if (record) placed.add(record.record_id);
    return { ...entryColumns(entry), ...onChain[index]!, ...recordColumns(record, gap, record ? proofs.get(record.record_id) : undefined) };
  });
}

function recordsByTransfer(lanes: LaneRecord[][]): Map<string, LaneRecord> {
  const byTransfer = new Map<string, LaneRecord>();
  for (const record of lanes.flat()) for (const movement of record.movements) if (movement.transfer_id) byTransfer.set(movement.transfer_id, record);
  return byTransfer;
}

/**
 * The record that states the entry's transfer. An opening-balance adjustment (written before an
 * account's first entry, from the account's state) is stated by no record: it belongs to the record
 * of the entry written with it (the next of its asset, same time).
 */
function recordOf(entry: LedgerEntry, index: number, entries: LedgerEntry[], byTransfer: Map<string, LaneRecord>): LaneRecord | undefined {
  if (entry.transfer_id !== openingBalanceSource) return byTransfer.get(entry.transfer_id);
  const next = entries.slice(index + 1).find((e) => e.asset === entry.asset);
  return next && next.created === entry.created ? byTransfer.get(next.transfer_id) : undefined;
}

/**
 * Per lane, for each row record after the lane's first: the stored texts of the records between the
 * previous row record of the lane and it (records that moved no balance, or whose rows are missing),
 * so a verifier follows the chain from one row to the next and sees any movement left out.
 */
function laneGaps(lanes: LaneRecord[][], rowRecords: LaneRecord[]): Map<string, string[]> {
  const gaps = new Map<string, string[]>();
  for (const lane of lanes) {
    const seqs = rowRecords.filter((r) => r.lane === lane[0]?.lane).map((r) => r.seq).sort((a, b) => a - b);
    for (let i = 1; i < seqs.length; i += 1) {
      const between = lane.filter((r) => r.seq > seqs[i - 1]! && r.seq < seqs[i]!);
      gaps.set(lane.find((r) => r.seq === seqs[i])!.record_id, between.map((r) => r.text));
    }
  }
  return gaps;
}

function entryColumns(entry: LedgerEntry) {
  return {
    id: entry.id, created: entry.created, type: entry.type, asset: entry.asset, amount: entry.amount, fee: entry.fee, net: entry.net,
    balance_after: entry.balance_after, source: entry.source, chain: entry.chain ?? '', tx_hash: entry.tx_hash ?? '', transfer_id: entry.transfer_id,
  };
}

/**
 * The on-chain transaction of a row that moved money on chain: a deposit's own hash; a payout's or
 * a refund's once it succeeded (the hash is known only after its balance transaction was written).
 */
async function chainColumns(deps: StatementDeps, merchantId: string, entry: LedgerEntry) {
  const none = { chain_id: '', token: '', chain_tx_hash: '' };
  const chain = entry.chain ? deps.registry.get(entry.chain) : undefined;
  const token = chain?.assets.find((a) => a.symbol === entry.asset)?.address;
  if (!chain || !token || token === 'native') return none;
  let txHash: string | null = null;
  if (entry.type === 'charge') txHash = entry.tx_hash;
  else if (entry.type === 'payment') {
    const { payment } = await readPayment(deps, merchantId, entry.source);
    txHash = payment.status === 'succeeded' ? payment.tx_hash : null;
  } else if (entry.type === 'refund') {
    const refund = await getRefund(deps, merchantId, entry.source);
    txHash = refund.status === 'succeeded' ? refund.tx_hash : null;
  }
  return txHash ? { chain_id: String(chain.chainId), token: token.toLowerCase(), chain_tx_hash: txHash.toLowerCase() } : none;
}

function recordColumns(record: LaneRecord | undefined, gap: string[] | undefined, proof: InclusionProof | undefined) {
  return {
    record_id: record?.record_id ?? '', record_json: record?.text ?? '', lane_gap: gap ? JSON.stringify(gap) : '',
    lane_leaf_index: proof ? String(proof.lane_tree.leaf_index) : '', lane_size: proof ? String(proof.lane_tree.size) : '',
    lane_path: proof?.lane_tree.path.join(' ') ?? '', lane_root: proof?.lane_tree.root ?? '',
    period_leaf_json: proof?.period_tree.leaf_json ?? '', period_leaf_index: proof ? String(proof.period_tree.leaf_index) : '',
    period_size: proof ? String(proof.period_tree.size) : '', period_path: proof?.period_tree.path.join(' ') ?? '', period_root: proof?.period_tree.root ?? '',
    period_digest_json: proof?.period.digest_json ?? '', period_signature: proof?.period.signature_der_base64 ?? '',
    anchor_chain_id: proof?.anchor ? String(proof.anchor.chain_id) : '', anchor_tx_hash: proof?.anchor?.tx_hash ?? '', anchor_from: proof?.anchor?.from ?? '',
  };
}
