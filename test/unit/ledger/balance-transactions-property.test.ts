import { TransactionCanceledException, type AttributeValue, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forgetAccountStates, postingsCommitted, rebuildPostings } from '#lib/ledger/account-states.js';
import { merchantAccount, newMerchantAccountItem, platformAccount, type AccountId } from '#lib/ledger/accounts.js';
import { transferItems, type TransferIntent } from '#lib/ledger/transfers.js';
import { expectBalanceTransactionsExact } from '../../support/balance-transactions.js';

/**
 * The balance transactions transferItems writes, on generated ledgers: whatever mix of top-ups,
 * payments (automatic, or held then captured in part or voided), failed payouts paid back and charge
 * deposits, and whichever of them another container wrote (this one's remembered account state
 * stale, or forgotten), every merchant account ends with one balance transaction per posted
 * movement, numbered in order, each `balance_after` exact, their nets summing to its balance; an
 * account that had a balance before balance transactions existed opens with it as an `adjustment`.
 *
 * DynamoDB is a small in-memory table here that applies exactly the expressions the ledger builds
 * for a merchant account (ADD, SET, its conditions with ALL_OLD on failure); the same invariant
 * runs against the emulator after every integration test that checks the ledger.
 */

type Op =
  | { op: 'top_up'; merchant: number; amount: bigint }
  | { op: 'pay'; merchant: number; amount: bigint; fee: bigint }
  | { op: 'hold'; merchant: number; amount: bigint; fee: bigint; capturePart: number }
  | { op: 'fail_last_payout'; merchant: number }
  | { op: 'deposit'; merchant: number; amount: bigint; fee: bigint };

const merchantIds = ['mer_a', 'mer_b'];
const amount = fc.bigInt({ min: 1n, max: 5_000n });
const fee = fc.bigInt({ min: 0n, max: 50n });
const merchant = fc.nat(merchantIds.length - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('top_up' as const), merchant, amount }),
  fc.record({ op: fc.constant('pay' as const), merchant, amount, fee }),
  fc.record({ op: fc.constant('hold' as const), merchant, amount, fee, capturePart: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ op: fc.constant('fail_last_payout' as const), merchant }),
  fc.record({ op: fc.constant('deposit' as const), merchant, amount, fee }),
);
/** Who writes each step: this container, another one (this one's remembered state goes stale), or a cold one. */
const writerArb = fc.constantFrom('this' as const, 'other' as const, 'cold' as const);

class Table {
  readonly items = new Map<string, Record<string, AttributeValue>>();

  /** Applies the items all or nothing, as TransactWriteItems does: merchant account conditions checked first. */
  write(items: TransactWriteItem[]): void {
    const reasons = items.map((item) => this.check(item));
    if (reasons.some((r) => r.Code !== 'None')) {
      throw new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: reasons });
    }
    for (const item of items) this.apply(item);
  }

  private check(item: TransactWriteItem): { Code: string; Item?: Record<string, AttributeValue> } {
    const update = item.Update;
    if (!update?.Key?.pk?.S?.startsWith('ACCOUNT#merchant:')) return { Code: 'None' };
    const old = this.items.get(update.Key.pk.S) ?? {};
    const values = update.ExpressionAttributeValues ?? {};
    const n = (attribute: AttributeValue | undefined) => BigInt(attribute?.N ?? '0');
    const condition = update.ConditionExpression ?? '';
    let ok = true;
    if (condition.includes('available >= :need')) ok &&= n(old.available) >= n(values[':need']);
    if (condition.includes('postings = :postings')) ok &&= old.postings?.N === values[':postings']?.N;
    if (condition.includes('attribute_not_exists(postings)')) {
      ok &&= old.postings === undefined && n(old.creditsPosted) === n(values[':seenCredits']) && n(old.debitsPosted) === n(values[':seenDebits']);
    }
    return ok ? { Code: 'None' } : { Code: 'ConditionalCheckFailed', Item: old };
  }

  private apply(item: TransactWriteItem): void {
    if (item.Put) {
      const key = `${item.Put.Item!.pk!.S}|${item.Put.Item!.sk!.S}`;
      expect(this.items.has(key), `${key} is written once`).toBe(false);
      this.items.set(key, item.Put.Item!);
      return;
    }
    const update = item.Update;
    if (!update?.Key?.pk?.S?.startsWith('ACCOUNT#merchant:')) return;
    const pk = update.Key.pk.S;
    const old = this.items.get(pk) ?? { pk: { S: pk }, sk: { S: 'ACCOUNT' }, accountId: { S: pk.slice('ACCOUNT#'.length) } };
    const values = update.ExpressionAttributeValues!;
    const add = (field: string, value: AttributeValue | undefined) => ({ N: (BigInt(old[field]?.N ?? '0') + BigInt(value?.N ?? '0')).toString() });
    this.items.set(pk, {
      ...old,
      debitsPending: add('debitsPending', values[':dpend']),
      debitsPosted: add('debitsPosted', values[':dpost']),
      creditsPending: add('creditsPending', values[':cpend']),
      creditsPosted: add('creditsPosted', values[':cpost']),
      available: add('available', values[':avail']),
      ...(values[':postingsAdd'] ? { postings: add('postings', values[':postingsAdd']), lastPostingMs: values[':lastMs']! } : {}),
    });
  }

  /** What the audit writer does with `ledgerPostings`: rebuild on a moved state, remember on commit. */
  async send(items: TransactWriteItem[], remember: boolean): Promise<boolean> {
    let own = items;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        this.write(own);
        if (remember) postingsCommitted(own);
        return true;
      } catch (error) {
        const rebuilt = await rebuildPostings(error, own);
        if (!rebuilt) return false; // refused: insufficient funds
        own = rebuilt;
      }
    }
    throw new Error('still stale after 5 rebuilds');
  }
}

describe('balance transactions (property)', () => {
  it('tell every merchant account\'s posted history exactly, however its writers\' remembered states go stale', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(opArb, writerArb), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 9_000n })), { minLength: 2, maxLength: 2 }), async (steps, startMs, openings) => {
        forgetAccountStates();
        const table = new Table();
        const asset = 'USDC';
        const clearing = platformAccount('clearing', asset);
        const fees = platformAccount('fees', asset);
        const sources = { sandbox: platformAccount('sandbox', asset), deposits: platformAccount('deposits:local-a', asset) };
        // An opening balance: an account older than balance transactions (posted totals, no `postings`).
        merchantIds.forEach((id, index) => table.items.set(`ACCOUNT#${merchantAccount(id, asset)}`, {
          ...newMerchantAccountItem(id, asset), creditsPosted: { N: openings[index]!.toString() }, available: { N: openings[index]!.toString() },
        }));
        const paid: { merchant: number; id: string; amount: bigint; fee: bigint }[] = [];
        const model = [...openings];
        let n = 0;
        let nowMs = startMs;
        for (const [step, writer] of steps) {
          n += 1;
          nowMs += n % 3; // several steps within one millisecond, as a busy account has
          const account: AccountId = merchantAccount(merchantIds[step.merchant]!, asset);
          let transfers: TransferIntent[] = [];
          let hold: TransferIntent[] | undefined;
          let moved = 0n;
          if (step.op === 'top_up') {
            transfers = [{ kind: 'posted', id: `trf_t${n}`, debit: sources.sandbox, credit: account, amountMinor: step.amount, asset, memo: { type: 'top_up', source: `trf_t${n}` } }];
            moved = step.amount;
          } else if (step.op === 'pay') {
            transfers = [{ kind: 'posted', id: `trf_payout_${n}`, debit: account, credit: clearing, amountMinor: step.amount, asset, memo: { type: 'payment', source: `pay_${n}` } }];
            if (step.fee > 0n) transfers.push({ kind: 'posted', id: `trf_fee_${n}`, debit: account, credit: fees, amountMinor: step.fee, asset, rootId: `trf_payout_${n}`, memo: { type: 'payout_fee', source: `pay_${n}` } });
            moved = -(step.amount + step.fee);
          } else if (step.op === 'hold') {
            const pending = { id: `trf_hold_${n}`, debit: account, credit: clearing, amountMinor: step.amount + step.fee, asset };
            hold = [{ kind: 'pending', ...pending }];
            const captured = (step.amount * BigInt(step.capturePart)) / 4n;
            transfers = captured > 0n
              ? [{ kind: 'post_pending', id: `trf_capture_${n}`, pending, amountMinor: captured + step.fee, memo: { type: 'payment', source: `pay_${n}`, feeMinor: step.fee } }]
              : [{ kind: 'void_pending', id: `trf_void_${n}`, pending }];
            moved = captured > 0n ? -(captured + step.fee) : 0n;
          } else if (step.op === 'fail_last_payout') {
            const last = paid.filter((p) => p.merchant === step.merchant).at(-1);
            if (!last) continue;
            paid.splice(paid.indexOf(last), 1);
            transfers = [{ kind: 'posted', id: `trf_refund_${last.id}`, debit: clearing, credit: account, amountMinor: last.amount, asset, memo: { type: 'payment_reversal', source: last.id } }];
            if (last.fee > 0n) transfers.push({ kind: 'posted', id: `trf_fee_refund_${last.id}`, debit: fees, credit: account, amountMinor: last.fee, asset, memo: { type: 'payout_fee_reversal', source: last.id } });
            moved = last.amount + last.fee;
          } else {
            const net = step.amount - step.fee;
            if (net <= 0n) continue;
            transfers = [{ kind: 'posted', id: `trf_deposit_${n}`, debit: sources.deposits, credit: account, amountMinor: net, asset, memo: { type: 'charge', source: `ch_${n}`, chain: 'local-a', txHash: `0x${n}`, feeMinor: step.fee } }];
            moved = net;
          }
          if (writer === 'cold') forgetAccountStates();
          const nowIso = new Date(nowMs).toISOString();
          if (hold && !(await table.send(transferItems('t', hold, nowIso), writer !== 'other'))) continue;
          const booked = await table.send(transferItems('t', transfers, nowIso), writer !== 'other');
          if (!booked) {
            expect(moved < 0n, 'only a debit is refused').toBe(true);
            expect(model[step.merchant]! + moved < 0n, 'refused only for want of funds').toBe(true);
            continue;
          }
          model[step.merchant]! += moved;
          if (step.op === 'pay') paid.push({ merchant: step.merchant, id: `pay_${n}`, amount: step.amount, fee: step.fee });
        }
        const items = [...table.items.values()];
        // An old account no step touched has no balance transactions yet: nothing to check of it.
        const accounts = items.filter((i) => i.sk?.S === 'ACCOUNT' && (i.postings || i.creditsPosted?.N === '0'));
        for (const account of accounts.filter((i) => openings[merchantIds.indexOf(i.accountId!.S!.split(':')[1]!)]! > 0n)) {
          const first = items.find((i) => i.pk?.S === `BALTXN#${account.accountId!.S!.split(':')[1]}` && i.seq?.N === '1')!;
          expect(first).toMatchObject({ type: { S: 'adjustment' }, source: { S: 'opening_balance' } });
        }
        expectBalanceTransactionsExact(accounts, items.filter((i) => i.pk?.S?.startsWith('BALTXN#')));
        for (const [index, id] of merchantIds.entries()) {
          const item = table.items.get(`ACCOUNT#${merchantAccount(id, asset)}`)!;
          expect(BigInt(item.creditsPosted?.N ?? '0') - BigInt(item.debitsPosted?.N ?? '0'), `balance of ${id}`).toBe(model[index]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
