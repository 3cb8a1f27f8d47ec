import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isTransient } from '#lib/money/charges/set-aside.js';
import { ContentionError } from '#platform';

// Which failures to book a deposit make the watcher's pass fail (the next pass scans the same
// blocks again) rather than set the log aside for an operator (lib/money/charges/set-aside.ts).
describe('a deposit booking failure', () => {
  it("is transient when Lanepay's own write gave up on contention (ContentionError): the next pass books it", () => {
    const cause = new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });

    expect(isTransient(new ContentionError(1, { cause }))).toBe(true);
  });

  it('is transient when DynamoDB cancelled the transaction for a conflict', () => {
    expect(isTransient(new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }] }))).toBe(true);
  });

  it('is not transient when a condition failed for good, or the request was invalid', () => {
    expect(isTransient(new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }))).toBe(false);
    expect(isTransient(Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException', $fault: 'client' }))).toBe(false);
  });
});
