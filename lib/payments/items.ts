import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { newId } from '../ids/index.js';
import { paymentSchema, type EventType, type LanepayEvent, type Payment, type WebhookEndpoint, type WebhookEndpointEventType } from './schemas.js';

/** Events are kept 30 days (TTL), as the API promises. */
const eventRetentionSeconds = 30 * 24 * 3600;
const holdIndexShards = 8;

export function paymentKey(id: string) {
  return { pk: { S: `PAYMENT#${id}` }, sk: { S: 'PAYMENT' } };
}

/** What the payment item carries besides the API object: the ledger and concurrency bookkeeping. */
export interface PaymentRecord {
  payment: Payment;
  merchantId: string;
  version: number;
  /** Pending transfer holding amount + maximum fee; absent for automatic capture and declines. */
  hold?: { transferId: string; amountMinor: bigint };
  /** What the risk checks decided and which rule fired, kept for audit (not shown to merchants). */
  risk?: RiskRecord;
}

export interface RiskRecord {
  outcome: 'approve' | 'decline';
  /** The rule that declined: a risk-engine rule, `ledger_balance` or a velocity limit. */
  rule?: string;
  rulesChecked: string[];
}

export function paymentItem(record: PaymentRecord): Record<string, AttributeValue> {
  const { payment } = record;
  const item: Record<string, AttributeValue> = {
    ...paymentKey(payment.id),
    entity: { S: 'payment' },
    merchantId: { S: record.merchantId },
    status: { S: payment.status },
    version: { N: String(record.version) },
    object: { S: JSON.stringify(payment) },
    gsi1pk: { S: `MERCHANT#${record.merchantId}#PAYMENTS` },
    gsi1sk: { S: payment.id },
  };
  if (record.risk) item.risk = { S: JSON.stringify(record.risk) };
  if (record.hold) {
    item.holdTransferId = { S: record.hold.transferId };
    item.holdAmount = { N: record.hold.amountMinor.toString() };
  }
  if (payment.status === 'authorized' && payment.expires_at) {
    item.gsi2pk = { S: holdIndexPartition(payment.id) };
    item.gsi2sk = { S: `${payment.expires_at}#${payment.id}` };
  }
  return item;
}

export function holdIndexPartitions(): string[] {
  return Array.from({ length: holdIndexShards }, (_, shard) => `HOLDS#${shard}`);
}

function holdIndexPartition(paymentId: string): string {
  let hash = 0;
  for (const char of paymentId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `HOLDS#${hash % holdIndexShards}`;
}

export function recordFromItem(item: Record<string, AttributeValue>): PaymentRecord {
  const payment = paymentSchema.parse(JSON.parse(item.object!.S!));
  return {
    payment,
    merchantId: item.merchantId!.S!,
    version: Number(item.version!.N),
    ...(item.risk?.S ? { risk: JSON.parse(item.risk.S) as RiskRecord } : {}),
    ...(item.holdTransferId?.S ? { hold: { transferId: item.holdTransferId.S, amountMinor: BigInt(item.holdAmount!.N!) } } : {}),
  };
}

/**
 * Replaces a payment item only if nobody changed it since it was read (version) and it is still in
 * the status the change starts from: the guard against double capture, capture-after-cancel, etc.
 */
export function replacePaymentItem(tableName: string, next: PaymentRecord, expected: { version: number; status: string }): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: paymentItem(next),
      ConditionExpression: 'version = :version AND #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':version': { N: String(expected.version) }, ':status': { S: expected.status } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** The outbox: an event item written in the same transaction as the change it reports. */
export function eventItem(tableName: string, merchantId: string, type: EventType, payment: Payment, now: Date): { item: TransactWriteItem; event: LanepayEvent } {
  return outboxEvent(tableName, merchantId, { type, object: payment }, { paymentId: { S: payment.id }, chain: { S: payment.chain } }, now);
}

/**
 * The outbox for webhook endpoint events (`webhook_endpoint.failing`, `.disabled`): written in the
 * same transaction as the endpoint change, relayed like payment events.
 */
export function endpointEventItem(
  tableName: string, merchantId: string, type: WebhookEndpointEventType, endpoint: WebhookEndpoint, now: Date,
): { item: TransactWriteItem; event: LanepayEvent } {
  return outboxEvent(tableName, merchantId, { type, object: endpoint }, { webhookEndpointId: { S: endpoint.id } }, now);
}

function outboxEvent(
  tableName: string,
  merchantId: string,
  change: Pick<LanepayEvent, 'type'> & { object: LanepayEvent['data']['object'] },
  related: Record<string, AttributeValue>,
  now: Date,
): { item: TransactWriteItem; event: LanepayEvent } {
  const event = { id: newId('evt'), object: 'event', type: change.type, created_at: now.toISOString(), data: { object: change.object } } as LanepayEvent;
  return {
    event,
    item: {
      Put: {
        TableName: tableName,
        Item: {
          pk: { S: `EVENT#${event.id}` },
          sk: { S: 'EVENT' },
          entity: { S: 'event' },
          merchantId: { S: merchantId },
          type: { S: event.type },
          ...related,
          body: { S: JSON.stringify(event) },
          gsi1pk: { S: `MERCHANT#${merchantId}#EVENTS` },
          gsi1sk: { S: event.id },
          ttl: { N: String(Math.floor(now.getTime() / 1000) + eventRetentionSeconds) },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}
