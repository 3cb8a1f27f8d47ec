import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bigintAttribute, jsonAttribute, readItem } from '../../../lib/aws/item.js';
import { conditionFailedAt, isConditionRefusal } from '../../../lib/aws/transaction-conflicts.js';

describe('readItem', () => {
  const schema = z.object({ amount: bigintAttribute, version: z.number(), body: jsonAttribute(z.object({ id: z.string() })), note: z.string().optional() });

  it('reads N attributes as numbers and amounts as exact bigints, past 2^53 too', () => {
    const item = { amount: { N: '123456789012345678901234567890' }, version: { N: '7' }, body: { S: '{"id":"pay_1"}' } };

    expect(readItem(schema, item)).toEqual({ amount: 123456789012345678901234567890n, version: 7, body: { id: 'pay_1' } });
    expect(readItem(schema, { ...item, amount: { N: '25000000' } }).amount).toBe(25_000_000n);
  });

  it('refuses an item that lacks an attribute, naming it', () => {
    expect(() => readItem(schema, { amount: { N: '1' }, body: { S: '{"id":"pay_1"}' } })).toThrow(/version/);
  });
});

describe('refused conditions of a cancelled transaction', () => {
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

  it('says which item refused, and that one did', () => {
    const error = cancelled('None', 'ConditionalCheckFailed', 'None');

    expect([0, 1, 2, 3].map((index) => conditionFailedAt(error, index))).toEqual([false, true, false, false]);
    expect(isConditionRefusal(error)).toBe(true);
  });

  it('finds no refusal in a conflict or in another error', () => {
    expect(conditionFailedAt(cancelled('TransactionConflict'), 0)).toBe(false);
    expect(isConditionRefusal(cancelled('TransactionConflict'))).toBe(false);
    expect(conditionFailedAt(new Error('ConditionalCheckFailed'), 0)).toBe(false);
  });
});
