import { generateKeyPairSync, sign } from 'node:crypto';
import { anchorCalldata, laneLeaf, laneLeafData, recordLeaf, type LanePart } from '#lib/audit/digests.js';
import { auditPath, merkleRoot } from '#lib/audit/merkle.js';
import type { InclusionProof } from '#lib/audit/proof.js';
import { canonicalJson, genesisHash, recordId, sealRecord, type AuditMovement, type AuditRecord } from '#lib/audit/record.js';
import { statementMessage } from '#lib/audit/signing.js';
import type { LaneRecord } from '#lib/audit/window.js';
import type { LedgerEntry } from '#lib/ledger/balance-query.js';
import { balanceTransactionId } from '#lib/ledger/balance-transactions.js';
import type { ChainReader } from '#lib/money/statements/chain-reader.js';
import { signedStatement, statementBody } from '#lib/money/statements/format.js';
import { statementRows } from '#lib/money/statements/build.js';

/**
 * A merchant's small world, built with the audit log's own hashing: lane 3 holds a top-up, a hold
 * and its cancel (no movement), then a payout and its fee; lane 5 a second top-up. One closed,
 * signed, anchored period covers both lanes unless `open` leaves lane 5 out of it.
 */
export const merchantId = 'mer_test';
export const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const anchorFrom = '0x00000000000000000000000000000000000A0C40';
const t0 = Date.parse('2026-12-07T04:00:00.000Z');

const move = (transfer: string, type: string, source: string, net: string, fee = '0'): AuditMovement => ({ transfer_id: transfer, type, source, asset: 'USDC', net, fee });

function lane(number: number, steps: { action: string; movements?: AuditMovement[] }[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const [i, step] of steps.entries()) {
    records.push(sealRecord({
      merchant_id: merchantId, lane: number, seq: i + 1, at: new Date(t0 + i * 1000 + number).toISOString(), actor: { type: 'system', id: null },
      action: step.action, object: { type: 'payment', id: `pay_${i}` }, prev_hash: records[i - 1]?.hash ?? genesisHash,
      ...(step.movements ? { movements: step.movements } : {}),
    }));
  }
  return records;
}

export function statementWorld({ open = false, opening = false } = {}) {
  const lane3 = lane(3, [
    { action: 'balance.sandbox_credited', movements: [move('trf_a', 'top_up', 'trf_a', '1000')] },
    { action: 'payment.authorized' },
    { action: 'payment.canceled' },
    { action: 'payment.authorized', movements: [move('trf_payout_pay_1', 'payment', 'pay_1', '-300'), move('trf_fee_pay_1', 'payout_fee', 'pay_1', '-3')] },
  ]);
  const lane5 = lane(5, [{ action: 'balance.sandbox_credited', movements: [move('trf_b', 'top_up', 'trf_b', '50')] }]);
  // An account older than balance transactions gets its opening balance as an adjustment first, written with the top-up.
  const specs: [number, string, string, string, number][] = [
    ...(opening ? [[0, 'opening_balance', 'adjustment', 'opening_balance', 500] as [number, string, string, string, number]] : []),
    [0, 'trf_a', 'top_up', 'trf_a', 1000], [3000, 'trf_payout_pay_1', 'payment', 'pay_1', -300], [3000, 'trf_fee_pay_1', 'payout_fee', 'pay_1', -3], [4000, 'trf_b', 'top_up', 'trf_b', 50],
  ];
  let balance = 0;
  const entries: LedgerEntry[] = specs.map(([ms, transfer, type, source, net], i) => ({
    id: balanceTransactionId(t0 + ms, i + 1, 'USDC'), object: 'balance_transaction', type: type as LedgerEntry['type'], amount: String(net), fee: '0', net: String(net),
    asset: 'USDC', source, chain: null, tx_hash: null, balance_after: String((balance += net)), created: new Date(t0 + ms).toISOString(), transfer_id: transfer, seq: i + 1,
  }));
  const covered = open ? [lane3] : [lane3, lane5];
  const parts: LanePart[] = covered.map((records) => ({ merchant_id: merchantId, lane: records[0]!.lane, first_seq: 1, last_seq: records.length, root: merkleRoot(records.map((r) => recordLeaf(r.hash))).toString('hex') }));
  const periodLeaves = parts.map(laneLeaf);
  const digest = { version: 3, period_id: '2026-12-07T05:00:00.000Z', cut_at: '2026-12-07T05:00:00.000Z', closed_at: '2026-12-07T05:00:01.000Z', root: merkleRoot(periodLeaves).toString('hex'), size: parts.length, previous_period_id: null, previous_root: null };
  const digestJson = canonicalJson(digest);
  const anchor = { chain: 'local-a', chain_id: 31337, tx_hash: `0x${'ab'.repeat(32)}`, from: anchorFrom };
  const proofs = new Map<string, InclusionProof | undefined>();
  for (const [p, records] of covered.entries()) {
    for (const [i, record] of records.entries()) {
      proofs.set(recordId(merchantId, record.lane, record.seq), {
        record_id: recordId(merchantId, record.lane, record.seq), hashing: '',
        record: { canonical_json: canonicalJson(bodyOf(record)), hash: record.hash },
        lane_tree: { leaf_index: i, size: records.length, path: auditPath(i, records.map((r) => recordLeaf(r.hash))).map(hex), root: parts[p]!.root },
        period_tree: { leaf_json: laneLeafData(parts[p]!), leaf_index: p, size: parts.length, path: auditPath(p, periodLeaves).map(hex), root: digest.root },
        period: { digest_json: digestJson, signature_der_base64: sign('sha256', Buffer.from(digestJson), keys.privateKey).toString('base64'), public_key_pem: '' },
        anchor: { ...anchor, calldata: anchorCalldata(digest.root) },
      });
    }
  }
  const lanes = [lane3, lane5].map((records) => records.map(laneRecord));
  const rows = statementRows(entries, lanes, proofs, entries.map(() => ({ chain_id: '', token: '', chain_tx_hash: '' })));
  const body = statementBody({ merchantId, from: '2026-12-07T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z', createdAt: '2026-12-07T06:00:00.000Z' }, rows);
  const text = signedStatement(body, sign('sha256', Buffer.from(statementMessage(body)), keys.privateKey).toString('base64'));
  const chain: ChainReader = {
    chainId: 31337,
    transaction: async (hash) => (hash === anchor.tx_hash ? { data: anchorCalldata(digest.root), from: anchorFrom, blockNumber: 7 } : undefined),
    transfers: async () => undefined,
    decimals: async () => 6,
    destroy: () => undefined,
  };
  return { text, rows, chain, trust: { publicKey: keys.publicKey, chains: [chain] } };
}

const hex = (b: Buffer) => b.toString('hex');

function bodyOf(record: AuditRecord) {
  const { hash: _hash, ...body } = record;
  return body;
}

function laneRecord(record: AuditRecord): LaneRecord {
  return {
    record_id: recordId(merchantId, record.lane, record.seq), lane: record.lane, seq: record.seq, at: record.at, text: canonicalJson(bodyOf(record)), hash: record.hash,
    prev_hash: record.prev_hash, movements: record.movements ?? [],
  };
}

/** The statement's text with its data rows changed by `edit`, header and signature kept as they were. */
export function withRows(text: string, edit: (rows: string[]) => string[]): string {
  const lines = text.split('\n');
  const signature = lines.findIndex((l) => l.startsWith('# signature '));
  return [...lines.slice(0, 6), ...edit(lines.slice(6, signature)), ...lines.slice(signature)].join('\n');
}
