import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { outboxEventItem, type OutboxEvent } from '#merchants';
import type { Verification, VerificationEventType } from './schemas.js';

/** The outbox for verification outcomes (`customer.verification.*`): the verification is masked, never PII. */
export function verificationEventItem(
  tableName: string, merchantId: string, type: VerificationEventType, verification: Verification, now: Date,
): { item: TransactWriteItem; event: OutboxEvent<VerificationEventType, Verification> } {
  return outboxEventItem(tableName, merchantId, type, verification, { customerId: { S: verification.customer }, verificationId: { S: verification.id } }, now);
}
