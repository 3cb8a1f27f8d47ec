// Measures `statement verify`'s offline work (record, proof, signature, order and lane checks) per line,
// on a synthetic statement built with the audit log's own hashing: 16 lanes, one period, a record
// that moves no balance after every second movement, the anchor answered from memory (no RPC).
//   npm run bench:statements -- [--lines 5000]
import { generateKeyPairSync, sign } from 'node:crypto';
import { parseArgs } from 'node:util';
import { anchorCalldata, laneLeaf, laneLeafData, recordLeaf, type LanePart } from '#lib/audit/digests.js';
import { auditPath, merkleRoot } from '#lib/audit/merkle.js';
import type { InclusionProof } from '#lib/audit/proof.js';
import { canonicalJson, genesisHash, recordId, sealRecord, type AuditRecord } from '#lib/audit/record.js';
import { statementMessage } from '#lib/audit/signing.js';
import type { LedgerEntry } from '#lib/ledger/balance-query.js';
import { balanceTransactionId } from '#lib/ledger/balance-transactions.js';
import { statementRows } from '#lib/money/statements/build.js';
import { signedStatement, statementBody } from '#lib/money/statements/format.js';
import { verifyStatement } from '#lib/money/statements/verify.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '5000' } } });
const lineCount = Number(values.lines);
const merchantId = 'mer_bench';
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const t0 = Date.parse('2026-12-01T00:00:00.000Z');
const laneCount = 16;

const lanes: AuditRecord[][] = Array.from({ length: laneCount }, () => []);
const entries: LedgerEntry[] = [];
let balance = 0n;
for (let i = 0; i < lineCount; i += 1) {
  const lane = lanes[i % laneCount]!;
  const append = (movements?: AuditRecord['movements']) => lane.push(sealRecord({
    merchant_id: merchantId, lane: i % laneCount, seq: lane.length + 1, at: new Date(t0 + i * 1000).toISOString(), actor: { type: 'system', id: null },
    action: movements ? 'balance.sandbox_credited' : 'payment.authorized', object: { type: 'transfer', id: `trf_${i}` }, prev_hash: lane.at(-1)?.hash ?? genesisHash,
    ...(movements ? { movements } : {}),
  }));
  append([{ transfer_id: `trf_${i}`, type: 'top_up', source: `trf_${i}`, asset: 'USDC', net: '1000', fee: '0' }]);
  if (i % 2 === 1) append();
  balance += 1000n;
  entries.push({
    id: balanceTransactionId(t0 + i * 1000, i + 1, 'USDC'), object: 'balance_transaction', type: 'top_up', amount: '1000', fee: '0', net: '1000', asset: 'USDC',
    source: `trf_${i}`, chain: null, tx_hash: null, balance_after: String(balance), created: new Date(t0 + i * 1000).toISOString(), transfer_id: `trf_${i}`, seq: i + 1,
  });
}
const parts: LanePart[] = lanes.map((records, lane) => ({ merchant_id: merchantId, lane, first_seq: 1, last_seq: records.length, root: merkleRoot(records.map((r) => recordLeaf(r.hash))).toString('hex') }));
const periodLeaves = parts.map(laneLeaf);
const digest = canonicalJson({ version: 3, period_id: '2026-12-02T00:00:00.000Z', cut_at: '2026-12-02T00:00:00.000Z', closed_at: '2026-12-02T00:00:01.000Z', root: merkleRoot(periodLeaves).toString('hex'), size: laneCount, previous_period_id: null, previous_root: null });
const root = JSON.parse(digest).root as string;
const anchor = { chain: 'local-a', chain_id: 31337, tx_hash: `0x${'ab'.repeat(32)}`, from: '0x00000000000000000000000000000000000A0C40', calldata: anchorCalldata(root) };
const signature = sign('sha256', Buffer.from(digest), keys.privateKey).toString('base64');
const proofs = new Map<string, InclusionProof>();
for (const [lane, records] of lanes.entries()) {
  const leaves = records.map((r) => recordLeaf(r.hash));
  for (const [i, record] of records.entries()) {
    if (!record.movements) continue;
    const { hash, ...body } = record;
    proofs.set(recordId(merchantId, lane, record.seq), {
      record_id: recordId(merchantId, lane, record.seq), hashing: '', record: { canonical_json: canonicalJson(body), hash },
      lane_tree: { leaf_index: i, size: records.length, path: auditPath(i, leaves).map((h) => h.toString('hex')), root: parts[lane]!.root },
      period_tree: { leaf_json: laneLeafData(parts[lane]!), leaf_index: lane, size: laneCount, path: auditPath(lane, periodLeaves).map((h) => h.toString('hex')), root },
      period: { digest_json: digest, signature_der_base64: signature, public_key_pem: '' }, anchor,
    });
  }
}
const laneRecords = lanes.map((records) => records.map((r) => {
  const { hash, ...body } = r;
  return { record_id: recordId(merchantId, r.lane, r.seq), lane: r.lane, seq: r.seq, at: r.at, text: canonicalJson(body), hash, prev_hash: r.prev_hash, movements: r.movements ?? [] };
}));
const rows = statementRows(entries, laneRecords, proofs, entries.map(() => ({ chain_id: '', token: '', chain_tx_hash: '' })));
const body = statementBody({ merchantId, from: new Date(t0).toISOString(), to: new Date(t0 + lineCount * 1000).toISOString(), createdAt: new Date().toISOString() }, rows);
const text = signedStatement(body, sign('sha256', Buffer.from(statementMessage(body)), keys.privateKey).toString('base64'));
const chain = {
  chainId: 31337, destroy: () => undefined, decimals: async () => 6, transfers: async () => undefined,
  transaction: async () => ({ data: anchor.calldata, from: anchor.from, blockNumber: 1 }),
};

const cpu = process.cpuUsage();
const started = performance.now();
const report = await verifyStatement(text, { publicKey: keys.publicKey, chains: [chain] });
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
if (!report.ok || report.proven !== lineCount) throw new Error(`the bench statement does not verify: ${JSON.stringify(report.findings.slice(0, 3))}`);
console.log(JSON.stringify({
  lines: lineCount, file_bytes: text.length, bytes_per_line: Math.round(text.length / lineCount),
  verify_wall_ms: Math.round(wallMs), verify_cpu_ms: Math.round(cpuMs), lines_per_cpu_second: Math.round(lineCount / (cpuMs / 1000)),
}));
