import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { outboxEventItem, type OutboxEvent } from '#merchants';
import type { Charge } from './schemas.js';

/** Events about charges (pay-ins); each carries the charge as it stood after the change. */
export const chargeEventTypes = [
  'charge.created', 'charge.pending', 'charge.succeeded', 'charge.underpaid',
  'charge.expired', 'charge.canceled', 'charge.deposit_reverted',
] as const;
export type ChargeEventType = (typeof chargeEventTypes)[number];

/** The outbox for charge events: written in the same transaction as the charge change, relayed like payment events. */
export function chargeEventItem(
  tableName: string, merchantId: string, type: ChargeEventType, charge: Charge, now: Date,
): { item: TransactWriteItem; event: OutboxEvent<ChargeEventType, Charge> } {
  return outboxEventItem(tableName, merchantId, type, charge, { chargeId: { S: charge.id } }, now);
}
