import {
  DeleteItemCommand, GetItemCommand, paginateQuery, PutItemCommand, TransactionCanceledException, TransactWriteItemsCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { RealtimeStoreDeps } from './deps.js';
import { SubscriptionRefusedError } from './errors.js';
import { paymentKey } from '../payments/items.js';

/**
 * WebSocket connections and their subscriptions, one item collection per connection:
 * `WSCONN#<id>` / `CONNECTION` holds the merchant, `WSCONN#<id>` / `SUB#<payment id or *>` one
 * subscription each. Subscriptions carry gsi1 keys `WSSUB#<merchant>` / `<payment id or *>#<id>`, so
 * pushing an event reads the subscribers of one payment and of all payments with two key-range queries.
 * Everything expires by TTL in case $disconnect never runs.
 */
const maxSubscriptionsPerConnection = 50;
const allPayments = '*';

export function connectionKey(connectionId: string) {
  return { pk: { S: `WSCONN#${connectionId}` }, sk: { S: 'CONNECTION' } };
}

/** Records a connection opened with a token of `scope` (lib/realtime/tokens.ts). */
export async function openConnection(
  deps: RealtimeStoreDeps & { connectionTtlMs: number },
  input: { connectionId: string; scope: { merchantId: string; paymentId?: string } },
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
        subscriptions: { N: '0' },
        ttl: { N: String(ttlSeconds) },
      },
      // Connection ids are unique per API; a second $connect with one would be an API Gateway bug.
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * Subscribes a connection to one payment of its merchant, or to all of them. A payment of another
 * merchant reads as not found, as in the REST API; a connection opened with a payment's token may
 * watch only that payment. Subscribing twice to the same thing is a no-op.
 */
export async function subscribe(deps: RealtimeStoreDeps, connectionId: string, paymentId: string | undefined): Promise<void> {
  const connection = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: connectionKey(connectionId), ConsistentRead: true }),
  );
  const merchantId = connection.Item?.merchantId?.S;
  if (!connection.Item || !merchantId) throw notConnected(connectionId);
  const scopePaymentId = connection.Item.scopePaymentId?.S;
  if (scopePaymentId !== undefined && paymentId !== scopePaymentId) {
    throw new SubscriptionRefusedError('outside_token_scope', `This connection's token was issued for payment ${scopePaymentId}; subscribe with "payment_id": "${scopePaymentId}".`);
  }
  if (paymentId !== undefined && !(await paymentBelongsTo(deps, merchantId, paymentId))) {
    throw new SubscriptionRefusedError('payment_not_found', `No payment with id ${paymentId}.`);
  }
  const target = paymentId ?? allPayments;
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
              Item: subscriptionItem(connectionId, merchantId, target, connection.Item.ttl!),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [onConnection, onSubscription] = error.CancellationReasons ?? [];
    if (onSubscription?.Code === 'ConditionalCheckFailed' && onConnection?.Code !== 'ConditionalCheckFailed') return;
    if (onConnection?.Code !== 'ConditionalCheckFailed') throw error;
    const subscriptions = Number(connection.Item.subscriptions?.N ?? '0');
    if (subscriptions >= maxSubscriptionsPerConnection) {
      throw new SubscriptionRefusedError('too_many_subscriptions', `A connection may hold at most ${maxSubscriptionsPerConnection} subscriptions.`, { cause: error });
    }
    throw notConnected(connectionId);
  }
}

function subscriptionItem(connectionId: string, merchantId: string, target: string, ttl: AttributeValue): Record<string, AttributeValue> {
  return {
    pk: { S: `WSCONN#${connectionId}` },
    sk: { S: `SUB#${target}` },
    entity: { S: 'realtime_subscription' },
    connectionId: { S: connectionId },
    merchantId: { S: merchantId },
    gsi1pk: { S: `WSSUB#${merchantId}` },
    gsi1sk: { S: `${target}#${connectionId}` },
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

/** Connections subscribed to `paymentId` or to all of the merchant's payments, each once. */
export async function findSubscribers(deps: RealtimeStoreDeps, merchantId: string, paymentId: string): Promise<string[]> {
  // One query of the merchant's subscriptions (few: open checkout pages and dashboards), filtered
  // here, rather than one per prefix: this runs for every event the platform emits.
  const wanted = [`${allPayments}#`, `${paymentId}#`];
  const ids = new Set<string>();
  const pages = paginateQuery(
    { client: deps.dynamodb },
    { TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': { S: `WSSUB#${merchantId}` } } },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const sortKey = item.gsi1sk?.S ?? '';
      if (item.connectionId?.S && wanted.some((prefix) => sortKey.startsWith(prefix))) ids.add(item.connectionId.S);
    }
  }
  return [...ids];
}
