import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseStatement, StatementFormatError } from '#lib/money/statements/format.js';
import { verifyStatement } from '#lib/money/statements/verify.js';
import { statementWorld, withRows } from './world.js';

describe('a statement file', () => {
  it('reads back the rows it was written with, JSON cells and all', () => {
    const { text, rows } = statementWorld();
    const parsed = parseStatement(text);
    expect(parsed.rows).toEqual(rows);
    expect(parsed.header).toEqual({ merchantId: 'mer_test', from: '2026-12-07T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z', createdAt: '2026-12-07T06:00:00.000Z' });
    expect(text.startsWith(parsed.body)).toBe(true);
  });

  it('carries the hold and cancel between two rows of a lane on the later row, and nothing on a lane\'s first', () => {
    const { rows } = statementWorld();
    expect(rows.map((r) => r.record_id)).toEqual(['mer_test:3:1', 'mer_test:3:4', 'mer_test:3:4', 'mer_test:5:1']);
    expect(JSON.parse(rows[1]!.lane_gap).map((text: string) => JSON.parse(text).action)).toEqual(['payment.authorized', 'payment.canceled']);
    expect([rows[0]!.lane_gap, rows[2]!.lane_gap, rows[3]!.lane_gap]).toEqual(['', '', '']);
  });

  it('is refused whole when it is not a statement', () => {
    expect(() => parseStatement('id,amount\n1,2\n')).toThrow(StatementFormatError);
  });
});

describe('verifyStatement', () => {
  it('passes the untouched file: every row proven', async () => {
    const { text, trust } = statementWorld();
    expect(await verifyStatement(text, trust)).toEqual({ ok: true, merchant_id: 'mer_test', from: '2026-12-07T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z', lines: 4, proven: 4, unproven: [], findings: [] });
  });

  it('names the row whose amount was edited, against its record', async () => {
    const { text, trust } = statementWorld();
    const edited = withRows(text, (rows) => rows.map((row, i) => (i === 1 ? row.replace(',-300,0,-300,', ',-30,0,-30,') : row)));
    const report = await verifyStatement(edited, trust);
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ kind: 'changed', line: 2, file_line: 8 });
    expect(report.findings[0]!.detail).toContain('net differs from its audit record\'s (net -300)');
    expect(report.findings.at(-1)).toMatchObject({ kind: 'signature' });
  });

  it('names the row after a deleted one, and the record that still states it', async () => {
    const { text, trust } = statementWorld();
    const report = await verifyStatement(withRows(text, (rows) => rows.filter((_, i) => i !== 2)), trust);
    expect(report.findings.slice(0, 2)).toMatchObject([
      { kind: 'missing', line: 2, detail: expect.stringContaining('also moved -3 USDC (transfer trf_fee_pay_1)') },
      { kind: 'missing', line: 3, detail: expect.stringContaining('movement 3 is not in the file') },
    ]);
  });

  it('names a row left out between two rows of a lane through the lane\'s records in between', async () => {
    // Both rows of the payout gone, and the ledger's numbering hidden by dropping the later top-up too:
    // the lane's chain from the first top-up runs through the payout's record.
    const { text, trust } = statementWorld();
    const report = await verifyStatement(withRows(text, (rows) => [rows[0]!, rows[3]!]), trust);
    expect(report.findings[0]).toMatchObject({ kind: 'missing', line: 2 });
    const { text: mixed } = statementWorld();
    const gapless = withRows(mixed, (rows) => [rows[0]!, rows[1]!.replace(/"\[.*\]"/, '""'), rows[2]!, rows[3]!]);
    expect((await verifyStatement(gapless, trust)).findings[0]).toMatchObject({ kind: 'missing', line: 2, detail: expect.stringContaining('records 2..3 of its lane') });
  });

  it('names the row of a swapped pair that comes out of order', async () => {
    const { text, trust } = statementWorld();
    const report = await verifyStatement(withRows(text, (rows) => [rows[0]!, rows[2]!, rows[1]!, rows[3]!]), trust);
    expect(report.findings.slice(0, 2)).toMatchObject([{ kind: 'reordered', line: 2, detail: expect.stringContaining('(at line 3)') }, { kind: 'reordered', line: 3 }]);
  });

  it('finds a broken proof path and a signature by another key', async () => {
    const { text, trust } = statementWorld();
    const forged = withRows(text, (rows) => rows.map((row, i) => (i === 0 ? row.replace(/,([0-9a-f]{64}),/, (_, h: string) => `,${h.replace(/^./, h[0] === '0' ? '1' : '0')},`) : row)));
    expect((await verifyStatement(forged, trust)).findings[0]).toMatchObject({ kind: 'proof', line: 1 });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const report = await verifyStatement(text, { ...trust, publicKey: other });
    expect(report.findings.map((f) => f.kind)).toEqual(['proof', 'proof', 'proof', 'proof', 'signature']);
  });

  it('holds an opening-balance adjustment to the record of the entry written with it', async () => {
    const { text, rows, trust } = statementWorld({ opening: true });
    expect(rows.slice(0, 2).map((r) => [r.type, r.record_id])).toEqual([['adjustment', 'mer_test:3:1'], ['top_up', 'mer_test:3:1']]);
    expect(await verifyStatement(text, trust)).toMatchObject({ ok: true, lines: 5, proven: 5 });
    const moved = withRows(text, (r) => [r[0]!.replace(',mer_test:3:1,', ',mer_test:5:1,'), ...r.slice(1)]);
    expect((await verifyStatement(moved, trust)).findings[0]).toMatchObject({ kind: 'changed', line: 1 });
  });

  it('lists a row no closed period covers as unproven, never as proven', async () => {
    const { text, trust } = statementWorld({ open: true });
    const report = await verifyStatement(text, trust);
    expect(report).toMatchObject({ ok: true, proven: 3, findings: [] });
    expect(report.unproven).toEqual([{ line: 4, id: expect.stringMatching(/^txn_/), reason: 'its record is not yet covered by a closed audit period' }]);
  });

  it('lists rows whose anchor is not mined, or on a chain it was given no RPC for, as unproven', async () => {
    const { text, trust, chain } = statementWorld();
    const pending = await verifyStatement(text, { ...trust, chains: [{ ...chain, transaction: async () => ({ data: '0x', from: '', blockNumber: null }) }] });
    expect(pending.unproven.map((u) => u.reason)).toEqual(Array(4).fill(`anchor transaction 0x${'ab'.repeat(32)} is not mined yet`));
    expect((await verifyStatement(text, { ...trust, chains: [] })).unproven).toHaveLength(4);
  });
});
