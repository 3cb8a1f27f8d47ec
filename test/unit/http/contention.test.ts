import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { problemErrors } from '#api/http/middleware.js';
import { isTransactionConflict } from '#lib/platform/aws/transaction-conflicts.js';
import { ContentionError } from '#lib/platform/errors/index.js';

function cancellation(codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe('isTransactionConflict', () => {
  it('is true only when every reason is TransactionConflict or None', () => {
    expect(isTransactionConflict(cancellation(['None', 'TransactionConflict']))).toBe(true);
    expect(isTransactionConflict(cancellation(['ConditionalCheckFailed', 'TransactionConflict']))).toBe(false);
    expect(isTransactionConflict(cancellation(['None', 'ConditionalCheckFailed']))).toBe(false);
    expect(isTransactionConflict(new Error('TransactionConflict'))).toBe(false);
  });
});

describe('problemErrors and write contention', () => {
  it('answers 503 try_again problem+json with Retry-After, never a 500', async () => {
    const request = {
      event: { path: '/v1/payments', requestContext: { requestId: 'req-1' } } as unknown as APIGatewayProxyEvent,
      error: new ContentionError(1, { cause: cancellation(['TransactionConflict']) }),
      response: undefined as unknown,
    };

    await problemErrors().onError!(request as never);

    const response = request.response as { statusCode: number; headers: Record<string, string>; body: string };
    expect(response.statusCode).toBe(503);
    expect(response.headers['Content-Type']).toBe('application/problem+json');
    expect(response.headers['Retry-After']).toBe('1');
    expect(JSON.parse(response.body)).toMatchObject({ type: 'https://lanepay.dev/problems/try_again', code: 'try_again', status: 503 });
  });
});
