import {
  DeleteItemCommand, GetItemCommand, paginateQuery, PutItemCommand, TransactWriteItemsCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { chargeKey, paymentKey } from '#money';
import { conditionFailedAt } from '#platform';
import type { RealtimeStoreDeps } from './deps.js';
import { SubscriptionRefusedError } from './errors.js';
import type { SubscriptionTarget } from './messages.js';

/**
 * WebSocket connections and their subscriptions, one item collection per connection:
 * `WSCONN#<id>` / `CONNECTION` holds the merchant, `WSCONN#<id>` / `SUB#<payment id or *>` one
 * subscription each. Subscriptions carry gsi1 keys `WSSUB#<merchant>` / `<payment id or *>#<id>`, so
 * pushing an event reads the subscribers of one payment and of all payments with two key-range queries.
 * Everything expires by TTL in case $disconnect never runs.
 *
 * A connection opened with a charge's token (the hosted checkout page, api/pages/checkout) may watch only
 * that charge, and its subscription is marked `view: checkout`: pushEvent sends it the charge's
 * public view (lib/money/charges/public-view.ts) instead of the merchant's event, and nothing else.
 */
const maxSubscriptionsPerConnection = 50;
const allPayments = '*';

export function connectionKey(connectionId: string) {
  return { pk: { S: `WSCONN#${connectionId}` }, sk: { S: 'CONNECTION' } };
}

/** Records a connection opened with a token of `scope` (lib/notify/realtime/tokens.ts). */
export async function openConnection(
  deps: RealtimeStoreDeps & { connectionTtlMs: number },
  input: { connectionId: string; scope: { merchantId: string; paymentId?: string; chargeId?: string } },
): Promise<void> {
  const ttlSeconds = Math.ceil((deps.now().getTime() + deps.connectionTtlMs) / 1000);
  await deps.dynamodb.send(
    new PutItemCommand({
      TableName: deps.tableName,
      Item: {
        ...connectionKey(input.connectionId),
        entity: { S: 'realtime_connection' },
        merchantId: { S: input.scope.merchantId },
        ...(input.scope.paymentId !== undefined ? { scopePaymentId: { S: input.scope.paymentId } } : {}),
        ...(input.scope.chargeId !== undefined ? { scopeChargeId: { S: input.scope.chargeId } } : {}),
        subscriptions: { N: '0' },
        ttl: { N: String(ttlSeconds) },
      },
      // Connection ids are unique per API; a second $connect with one would be an API Gateway bug.
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * Subscribes a connection to one payment or charge of its merchant, or to all its events. A payment
 * or charge of another merchant reads as not found, as in the REST API; a connection opened with a
 * payment's or a charge's token may watch only that one. Subscribing twice to the same thing is a no-op.
 */
export async function subscribe(deps: RealtimeStoreDeps, connectionId: string, target: SubscriptionTarget): Promise<void> {
  const connection = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: connectionKey(connectionId), ConsistentRead: true }),
  );
  const merchantId = connection.Item?.merchantId?.S;
  if (!connection.Item || !merchantId) throw notConnected(connectionId);
  const scopePaymentId = connection.Item.scopePaymentId?.S;
  const scopeChargeId = connection.Item.scopeChargeId?.S;
  if (scopePaymentId !== undefined && (target.paymentId !== scopePaymentId || target.chargeId !== undefined)) {
    throw new SubscriptionRefusedError('outside_token_scope', `This connection's token was issued for payment ${scopePaymentId}; subscribe with "payment_id": "${scopePaymentId}".`);
  }
  if (scopeChargeId !== undefined && (target.chargeId !== scopeChargeId || target.paymentId !== undefined)) {
    throw new SubscriptionRefusedError('outside_token_scope', `This connection's token was issued for charge ${scopeChargeId}; subscribe with "charge_id": "${scopeChargeId}".`);
  }
  if (target.paymentId !== undefined && !(await paymentBelongsTo(deps, merchantId, target.paymentId))) {
    throw new SubscriptionRefusedError('payment_not_found', `No payment with id ${target.paymentId}.`);
  }
  // A charge-scoped connection's charge was checked when its token was issued.
  if (target.chargeId !== undefined && scopeChargeId === undefined && !(await chargeBelongsTo(deps, merchantId, target.chargeId))) {
    throw new SubscriptionRefusedError('charge_not_found', `No charge with id ${target.chargeId}.`);
  }
  const subscribed = target.paymentId ?? target.chargeId ?? allPayments;
  try {
    await deps.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: deps.tableName,
              Key: connectionKey(connectionId),
              UpdateExpression: 'ADD subscriptions :one',
              // The connection must still exist: $disconnect deletes it before its subscriptions.
              ConditionExpression: 'attribute_exists(pk) AND subscriptions < :max',
              ExpressionAttributeValues: { ':one': { N: '1' }, ':max': { N: String(maxSubscriptionsPerConnection) } },
            },
          },
          {
            Put: {
              TableName: deps.tableName,
              Item: subscriptionItem(connectionId, merchantId, subscribed, connection.Item.ttl!, scopeChargeId !== undefined ? 'checkout' : 'merchant'),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    const [onConnection, onSubscription] = [conditionFailedAt(error, 0), conditionFailedAt(error, 1)];
    if (onSubscription && !onConnection) return;
    if (!onConnection) throw error;
    const subscriptions = Number(connection.Item.subscriptions?.N ?? '0');
    if (subscriptions >= maxSubscriptionsPerConnection) {
      throw new SubscriptionRefusedError('too_many_subscriptions', `A connection may hold at most ${maxSubscriptionsPerConnection} subscriptions.`, { cause: error });
    }
    throw notConnected(connectionId);
  }
}

/** Which copy of an event a subscriber receives: the merchant's event, or the checkout page's public view. */
export type SubscriberView = 'merchant' | 'checkout';

function subscriptionItem(connectionId: string, merchantId: string, target: string, ttl: AttributeValue, view: SubscriberView): Record<string, AttributeValue> {
  return {
    pk: { S: `WSCONN#${connectionId}` },
    sk: { S: `SUB#${target}` },
    entity: { S: 'realtime_subscription' },
    connectionId: { S: connectionId },
    merchantId: { S: merchantId },
    gsi1pk: { S: `WSSUB#${merchantId}` },
    gsi1sk: { S: `${target}#${connectionId}` },
    // Absent on subscriptions written before checkout views existed: those are merchant connections.
    ...(view === 'checkout' ? { view: { S: view } } : {}),
    ttl,
  };
}

/** Whether `paymentId` exists and is `merchantId`'s. */
export async function paymentBelongsTo(deps: RealtimeStoreDeps, merchantId: string, paymentId: string): Promise<boolean> {
  const payment = await deps.dynamodb.send(
    new GetItemCommand({
      TableName: deps.tableName,
      Key: paymentKey(paymentId),
      ProjectionExpression: 'merchantId',
    }),
  );
  return payment.Item?.merchantId?.S === merchantId;
}

/** Whether `chargeId` exists and is `merchantId`'s. */
export async function chargeBelongsTo(deps: RealtimeStoreDeps, merchantId: string, chargeId: string): Promise<boolean> {
  const charge = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: chargeKey(chargeId), ProjectionExpression: 'merchantId' }),
  );
  return charge.Item?.merchantId?.S === merchantId;
}

function notConnected(connectionId: string): SubscriptionRefusedError {
  return new SubscriptionRefusedError('not_connected', `Connection ${connectionId} is closed or expired; reconnect with a new token.`);
}

/**
 * Deletes a connection and its subscriptions. The connection item goes first, so a subscribe racing
 * with this cannot add a subscription the query below misses. Deletes are unconditional: forgetting
 * a connection twice ($disconnect and a push that found it gone) is harmless.
 */
export async function forgetConnection(deps: RealtimeStoreDeps, connectionId: string): Promise<{ items: number }> {
  await deps.dynamodb.send(new DeleteItemCommand({ TableName: deps.tableName, Key: connectionKey(connectionId) }));
  let items = 1;
  const pages = paginateQuery(
    { client: deps.dynamodb },
    { TableName: deps.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `WSCONN#${connectionId}` } }, ProjectionExpression: 'pk, sk', ConsistentRead: true },
  );
  for await (const page of pages) {
    for (const key of page.Items ?? []) {
      await deps.dynamodb.send(new DeleteItemCommand({ TableName: deps.tableName, Key: { pk: key.pk!, sk: key.sk! } }));
      items += 1;
    }
  }
  return { items };
}

/** A connection to push an event to, and which copy of the event it may see. */
export interface Subscriber {
  connectionId: string;
  view: SubscriberView;
}

/** Connections subscribed to `objectId` (a payment or charge) or to all of the merchant's events, each once. */
export async function findSubscribers(deps: RealtimeStoreDeps, merchantId: string, objectIds: string | string[]): Promise<Subscriber[]> {
  // One query of the merchant's subscriptions (few: open checkout pages and dashboards), filtered
  // here, rather than one per prefix: this runs for every event the platform emits.
  const wanted = [`${allPayments}#`, ...[objectIds].flat().map((id) => `${id}#`)];
  const subscribers = new Map<string, Subscriber>();
  const pages = paginateQuery(
    { client: deps.dynamodb },
    { TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': { S: `WSSUB#${merchantId}` } } },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const sortKey = item.gsi1sk?.S ?? '';
      const connectionId = item.connectionId?.S;
      if (!connectionId || !wanted.some((prefix) => sortKey.startsWith(prefix))) continue;
      subscribers.set(connectionId, { connectionId, view: item.view?.S === 'checkout' ? 'checkout' : 'merchant' });
    }
  }
  return [...subscribers.values()];
}
