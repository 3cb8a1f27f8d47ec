import type { KeyObject } from 'node:crypto';
import { anchorCalldata, proofFault, statementSignatureHolds, textHash } from '#audit';
import { ledgerDecimals, openingBalanceSource } from '#ledger';
import type { ChainReader } from './chain-reader.js';
import { at, movementsOf, parseBody, type Finding, type ReadRow, type Unproven } from './findings.js';
import { parseStatement } from './format.js';
import { laneFindings } from './verify-lanes.js';

/** What a verifier trusts: the audit signing key (`lanepay audit public-key`) and chain RPCs; optionally the anchoring wallet. */
export interface StatementTrust {
  publicKey: KeyObject;
  chains: ChainReader[];
  anchorAddress?: string;
}

export interface StatementReport {
  ok: boolean;
  merchant_id: string;
  from: string;
  to: string;
  lines: number;
  /** Rows whose record, proof, signature, anchor (and transfer on chain, where there is one) all hold. */
  proven: number;
  unproven: Unproven[];
  findings: Finding[];
}

/**
 * Checks a statement file with the audit key and chain RPCs only (docs/statements.md): each row
 * against its audit record, the record's proof, its period's signature and anchor, its on-chain
 * transfer; the rows' order, the running balance and the lanes' chains between rows; the file's
 * signature. `ok` when nothing is wrong; rows that cannot be proven yet are listed, not passed.
 */
export async function verifyStatement(text: string, trust: StatementTrust): Promise<StatementReport> {
  const statement = parseStatement(text);
  const { merchantId } = statement.header;
  const rows: ReadRow[] = statement.rows.map((row, i) => ({ row, line: i + 1, ...(row.record_json ? { record: parseBody(row.record_json) } : {}) }));
  const findings: Finding[] = [];
  const unproven: Unproven[] = [];
  const chains = new Map(trust.chains.map((c) => [c.chainId, c]));
  const anchors = new Map<string, Promise<AnchorResult>>();
  let previous: ReadRow | undefined;
  const lastOfAsset = new Map<string, ReadRow>();
  const seqLines = new Map(rows.map((r) => [`${r.row.asset}#${accountSeq(r.row.id)}`, r.line]));
  for (const read of rows) {
    const { row } = read;
    const before = findings.length;
    if (read.record) findings.push(...recordFindings(read, merchantId));
    if (previous && row.id <= previous.row.id) findings.push(at(read, 'reordered', `it comes after line ${previous.line} (${previous.row.id}), which is later`));
    findings.push(...balanceFindings(read, lastOfAsset.get(row.asset), seqLines));
    lastOfAsset.set(row.asset, read);
    previous = read;
    if (!read.record) {
      unproven.push({ line: read.line, id: row.id, reason: 'no audit record states this movement (booked before records stated their movements)' });
      continue;
    }
    let reason: string | undefined;
    if (!row.lane_root) reason = 'its record is not yet covered by a closed audit period';
    else {
      const fault = proofFault(proofOf(read), trust.publicKey, { merchantId, lane: Number(read.record.lane), seq: Number(read.record.seq) });
      if (fault) findings.push(at(read, 'proof', fault));
      else if (!row.anchor_tx_hash) reason = 'its period is closed but not anchored yet';
      else {
        const key = [row.anchor_chain_id, row.anchor_tx_hash, row.period_root, row.anchor_from].join(':');
        if (!anchors.has(key)) anchors.set(key, anchorCheck(read, chains, trust.anchorAddress));
        const anchor = await anchors.get(key)!;
        if (anchor?.pending) reason = anchor.pending;
        else if (anchor?.fault) findings.push(at(read, 'anchor', anchor.fault));
      }
    }
    const onChain = row.chain_tx_hash ? await chainCheck(read, chains) : undefined;
    if (typeof onChain === 'string') reason ??= onChain;
    else if (onChain) findings.push(onChain);
    if (findings.length === before && reason) unproven.push({ line: read.line, id: row.id, reason });
  }
  findings.push(...laneFindings(rows));
  if (!statementSignatureHolds(trust.publicKey, statement.body, statement.signature)) {
    findings.push({ kind: 'signature', detail: 'the file\'s signature does not hold with the audit signing key: its content is not what Lanepay signed' });
  }
  findings.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const faulty = new Set(findings.map((f) => f.line));
  const proven = rows.filter((r) => !faulty.has(r.line) && !unproven.some((u) => u.line === r.line)).length;
  return { ok: findings.length === 0, merchant_id: merchantId, from: statement.header.from, to: statement.header.to, lines: rows.length, proven, unproven, findings };
}

/** An account's sequence number, from a balance transaction id (`txn_<time 10><seq 12><asset>`). */
const accountSeq = (id: string) => Number(id.slice(14, 26));

/**
 * amount = net + fee; one account's rows numbered on (the id's sequence) with the balance running.
 * A number out of its place is `reordered` when the file holds it elsewhere, `missing` when not.
 */
function balanceFindings(read: ReadRow, last: ReadRow | undefined, seqLines: Map<string, number>): Finding[] {
  const { row } = read;
  const amounts = [row.amount, row.fee, row.net, row.balance_after].map((v) => (/^-?\d{1,38}$/.test(v) ? BigInt(v) : undefined));
  if (amounts.some((v) => v === undefined)) return [at(read, 'changed', 'an amount is not an integer of minor units')];
  const [amount, fee, net, balanceAfter] = amounts as bigint[];
  if (amount !== net! + fee!) return [at(read, 'changed', `amount ${row.amount} is not net ${row.net} + fee ${row.fee}`)];
  if (!last) return [];
  const seq = accountSeq(row.id);
  const expected = accountSeq(last.row.id) + 1;
  if (seq !== expected) {
    const elsewhere = seqLines.get(`${row.asset}#${expected}`);
    if (seq < expected || elsewhere !== undefined) return [at(read, 'reordered', `it is the ${row.asset} balance's movement ${seq}, where ${expected} belongs${elsewhere ? ` (at line ${elsewhere})` : ''}`)];
    return [at(read, 'missing', `the ${row.asset} balance's movement ${expected}${seq > expected + 1 ? `..${seq - 1}` : ''} is not in the file (line ${last.line} is movement ${expected - 1}, this one ${seq})`)];
  }
  if (balanceAfter !== BigInt(last.row.balance_after) + net!) return [at(read, 'changed', `balance_after ${row.balance_after} is not line ${last.line}'s ${last.row.balance_after} + net ${row.net}`)];
  return [];
}

/** The record is this merchant's, named as the row says, and states this very movement. */
function recordFindings(read: ReadRow, merchantId: string): Finding[] {
  const { row, record } = read;
  if (record!.merchant_id !== merchantId || row.record_id !== `${merchantId}:${String(record!.lane)}:${String(record!.seq)}`) {
    return [at(read, 'changed', `its record is not ${row.record_id} of merchant ${merchantId}`)];
  }
  const movements = movementsOf(record);
  if (row.transfer_id === openingBalanceSource) {
    // Written from the account's state with the record's first movement of the asset: stated by none.
    return row.type === 'adjustment' && movements.some((m) => m.asset === row.asset) ? [] : [at(read, 'changed', 'an opening balance not written with its record\'s movements')];
  }
  const movement = movements.find((m) => m.transfer_id === row.transfer_id);
  if (!movement) return [at(read, 'changed', `its record states no movement by transfer ${row.transfer_id}`)];
  const differs = (['type', 'source', 'asset', 'net', 'fee', 'chain', 'tx_hash'] as const).filter((field) => (movement[field] ?? '') !== row[field]);
  return differs.length ? [at(read, 'changed', `its ${differs.join(', ')} differ${differs.length === 1 ? 's' : ''} from its audit record's (${differs.map((f) => `${f} ${movement[f] ?? '(none)'}`).join(', ')})`)] : [];
}

function proofOf(read: ReadRow) {
  const { row } = read;
  const path = (text: string) => (text ? text.split(' ') : []);
  return {
    record: { canonical_json: row.record_json, hash: textHash(row.record_json) },
    lane_tree: { leaf_index: Number(row.lane_leaf_index), size: Number(row.lane_size), path: path(row.lane_path), root: row.lane_root },
    period_tree: { leaf_json: row.period_leaf_json, leaf_index: Number(row.period_leaf_index), size: Number(row.period_size), path: path(row.period_path), root: row.period_root },
    period: { digest_json: row.period_digest_json, signature_der_base64: row.period_signature },
  };
}

type AnchorResult = { fault?: string; pending?: string } | undefined;

/** The anchor transaction carries the period root and was sent by the anchoring wallet (one check per anchor, shared by its rows). */
async function anchorCheck(read: ReadRow, chains: Map<number, ChainReader>, anchorAddress: string | undefined): Promise<AnchorResult> {
  const { row } = read;
  const chain = chains.get(Number(row.anchor_chain_id));
  if (!chain) return { pending: `no RPC given for chain ${row.anchor_chain_id}, where its period is anchored` };
  const tx = await chain.transaction(row.anchor_tx_hash);
  if (!tx) return { fault: `anchor transaction ${row.anchor_tx_hash} is not on chain ${row.anchor_chain_id}` };
  if (tx.blockNumber === null) return { pending: `anchor transaction ${row.anchor_tx_hash} is not mined yet` };
  if (tx.data.toLowerCase() !== anchorCalldata(row.period_root).toLowerCase()) return { fault: `anchor transaction ${row.anchor_tx_hash} does not carry period root ${row.period_root}` };
  const sender = tx.from.toLowerCase();
  if (sender !== row.anchor_from.toLowerCase() || (anchorAddress && sender !== anchorAddress.toLowerCase())) return { fault: `anchor transaction ${row.anchor_tx_hash} was sent by ${tx.from}, not the anchoring wallet` };
  return undefined;
}

/** The row's on-chain transaction paid its amount in its token (an ERC-20 Transfer log); a string: not provable yet. */
async function chainCheck(read: ReadRow, chains: Map<number, ChainReader>): Promise<Finding | string | undefined> {
  const { row } = read;
  if (row.type === 'charge' && row.chain_tx_hash !== row.tx_hash) return at(read, 'chain', `a deposit paid by ${row.chain_tx_hash}, not its own transaction ${row.tx_hash}`);
  const chain = chains.get(Number(row.chain_id));
  if (!chain) return `no RPC given for chain ${row.chain_id}, where it moved`;
  const transfers = await chain.transfers(row.chain_tx_hash);
  if (!transfers) return at(read, 'chain', `transaction ${row.chain_tx_hash} is not mined on chain ${row.chain_id}, or reverted`);
  const decimals = ledgerDecimals[row.asset];
  if (decimals === undefined) return `no ledger decimals known for ${row.asset}`;
  const scale = 10n ** BigInt((await chain.decimals(row.token)) - decimals);
  const amount = BigInt(row.amount) < 0n ? -BigInt(row.amount) : BigInt(row.amount);
  const paid = transfers.filter((t) => t.token.toLowerCase() === row.token.toLowerCase()).map((t) => t.value);
  if (!paid.includes(amount * scale)) return at(read, 'chain', `transaction ${row.chain_tx_hash} transferred ${paid.length ? paid.join(', ') : 'nothing'} of token ${row.token}, not ${amount * scale} (${amount} minor units)`);
  return undefined;
}

