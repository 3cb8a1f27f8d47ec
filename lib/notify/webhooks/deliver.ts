import {
  ConditionalCheckFailedException, GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand,
  UpdateItemCommand, type AttributeValue, type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { eventKey } from '#merchants';
import { newId, traceHeaderFor, traceMessageAttributes } from '#platform';
import { eventSchema } from '../events/schemas.js';
import { endpointEventItem, type WebhookEndpointEventType } from './events.js';
import { type WebhookEndpoint } from './endpoint-object.js';
import { circuitGate, failureClauses } from './circuit.js';
import type { WebhookDeps } from './deps.js';
import { attemptItem, deliveryKey, endpointFromItem, endpointKey, ttlIn, type EndpointRecord } from './items.js';
import { nextRetryDelayMs, queueDelaySeconds } from './retry.js';
import type { DeliveryMessage, WebhookAttempt } from './schemas.js';
import { decryptSecret } from './secrets.js';
import { signedHeaders } from './signing.js';
import type { WebhookResponse } from './transport.js';
import { checkDestination } from './url.js';

export const deliveryTimeoutMs = 15_000;
/** How long a claimed attempt is ours: beyond the timeout and the bookkeeping around it. */
const leaseMs = 60_000;

export type DeliveryOutcome =
  | 'delivered' | 'retry_scheduled' | 'exhausted' | 'endpoint_disabled' | 'deferred' | 'circuit_open'
  | 'skipped_endpoint_gone' | 'skipped_endpoint_disabled' | 'skipped_event_gone' | 'skipped_duplicate';

/**
 * One attempt of one delivery message: claim it, sign, POST to the pinned address, record the
 * attempt, then either mark the delivery done or schedule the next attempt. A 410 disables the
 * endpoint; so does failing everything for `disableAfterMs`.
 */
export async function deliverWebhook(deps: WebhookDeps, message: DeliveryMessage): Promise<DeliveryOutcome> {
  const nowMs = deps.now().getTime();
  // SQS delays are whole seconds; a message up to a second early is due.
  if (message.notBeforeMs > nowMs + 1000) {
    await enqueue(deps, message);
    return 'deferred';
  }
  // The endpoint and the event at once: every delivery waits on both reads.
  const [record, body] = await Promise.all([readEndpointRecord(deps, message.endpointId), readEventBody(deps, message)]);
  if (!record || record.merchantId !== message.merchantId) return 'skipped_endpoint_gone';
  if (record.endpoint.status !== 'enabled') return 'skipped_endpoint_disabled';
  if (body === undefined) return 'skipped_event_gone';
  const gate = await circuitGate(deps, record, nowMs);
  if (!gate.go) {
    // The endpoint's circuit is open: wait on the queue, calling nothing, spending no attempt.
    await enqueue(deps, { ...message, notBeforeMs: gate.heldUntilMs });
    return 'circuit_open';
  }
  if (!(await claim(deps, message))) return (await deferUntilLeaseEnds(deps, message)) ? 'deferred' : 'skipped_duplicate';

  const response = await attempt(deps, record, message, body);
  const succeeded = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
  const attemptRecord: WebhookAttempt = {
    id: newId('wa'),
    object: 'webhook_attempt',
    event_id: message.eventId,
    attempt: message.attempt,
    created_at: new Date(nowMs).toISOString(),
    status_code: response.statusCode ?? null,
    latency_ms: response.latencyMs,
    error: response.error ?? (succeeded ? null : `HTTP ${response.statusCode}`),
    succeeded,
  };
  deps.logger.info('webhook attempt', {
    step: 'delivery', endpointId: message.endpointId, eventId: message.eventId, attempt: message.attempt,
    statusCode: attemptRecord.status_code, latencyMs: attemptRecord.latency_ms, error: attemptRecord.error,
  });
  if (succeeded) return recordSuccess(deps, record, message, attemptRecord);
  if (response.statusCode === 410) return disable(deps, record, message, attemptRecord, 'gone');
  return recordFailure(deps, record, message, attemptRecord, response);
}

async function attempt(deps: WebhookDeps, record: EndpointRecord, message: DeliveryMessage, body: string): Promise<WebhookResponse> {
  // Checked again at every attempt: DNS may have changed since registration (rebinding).
  const destination = await checkDestination(new URL(record.endpoint.url), deps.stage, deps.resolve);
  if (!destination.ok) return { latencyMs: 0, error: `refused: ${destination.reason}` };
  const nowMs = deps.now().getTime();
  const active = record.secrets.filter((secret) => secret.expiresAtMs === undefined || secret.expiresAtMs > nowMs);
  const secrets = await Promise.all(active.map((secret) => decryptSecret(deps, record.endpoint.id, secret.ciphertext)));
  const headers = {
    ...signedHeaders(secrets, message.eventId, Math.floor(nowMs / 1000), body),
    'content-type': 'application/json',
    'user-agent': 'Lanepay-Webhooks/1',
  };
  return deps.transport({ url: destination.url, address: destination.address, family: destination.family, headers, body, timeoutMs: deliveryTimeoutMs });
}

async function readEndpointRecord(deps: WebhookDeps, endpointId: string): Promise<EndpointRecord | undefined> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: endpointKey(endpointId), ConsistentRead: true }));
  return result.Item ? endpointFromItem(result.Item) : undefined;
}

/** The event exactly as GET /v1/events/{id} renders it (same schema, same key order). */
async function readEventBody(deps: WebhookDeps, message: DeliveryMessage): Promise<string | undefined> {
  const result = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: eventKey(message.eventId) }),
  );
  if (!result.Item?.body?.S || result.Item.merchantId?.S !== message.merchantId) return undefined;
  return JSON.stringify(eventSchema.parse(JSON.parse(result.Item.body.S)));
}

/**
 * Takes attempt N of a delivery, unless it was delivered already, or this attempt (or a later one)
 * is in flight or scheduled under a lease that has not run out: a duplicate message then sends nothing.
 */
async function claim(deps: WebhookDeps, message: DeliveryMessage): Promise<boolean> {
  const nowMs = deps.now().getTime();
  try {
    await deps.dynamodb.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: deliveryKey(message.endpointId, message.eventId, message.run),
        UpdateExpression: 'SET attempt = :n, leaseUntilMs = :lease, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(deliveredAt) AND (attribute_not_exists(attempt) OR attempt < :n OR leaseUntilMs < :now)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':n': { N: String(message.attempt) }, ':lease': { N: String(nowMs + leaseMs) }, ':now': { N: String(nowMs) }, ':ttl': ttlIn(deps.now()),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * A message whose attempt is held under a lease: the holder may be alive (a duplicate message, sent
 * nothing) or may have died mid-attempt (its invocation killed, its message handed out again after
 * the queue's visibility, before the lease ran out). Dropping it would lose the delivery in the second
 * case, so it comes back once the lease has run out: then it finds the delivery done (and sends
 * nothing) or takes the attempt the dead holder never made. A message of an earlier attempt than the
 * record's, or of a delivery done, is a plain duplicate.
 */
async function deferUntilLeaseEnds(deps: WebhookDeps, message: DeliveryMessage): Promise<boolean> {
  const { Item: record } = await deps.dynamodb.send(new GetItemCommand({
    TableName: deps.tableName, Key: deliveryKey(message.endpointId, message.eventId, message.run), ConsistentRead: true,
  }));
  if (!record || record.deliveredAt || record.finishedAt || Number(record.attempt?.N) !== message.attempt) return false;
  // A lease that ran out since the claim was refused (a slow moment between the two reads) is no
  // duplicate either: the message comes back at once and takes the attempt.
  const leaseUntilMs = Math.max(Number(record.leaseUntilMs?.N) || 0, deps.now().getTime());
  await enqueue(deps, { ...message, notBeforeMs: leaseUntilMs + 1000 });
  return true;
}

function putAttempt(deps: WebhookDeps, endpointId: string, attemptRecord: WebhookAttempt): TransactWriteItem {
  return { Put: { TableName: deps.tableName, Item: attemptItem(endpointId, attemptRecord, deps.now()) } };
}

/** Ends (or extends the lease of) the delivery record, only while attempt N is still ours. */
function updateDelivery(deps: WebhookDeps, message: DeliveryMessage, set: 'delivered' | 'finished' | { leaseUntilMs: number }): TransactWriteItem {
  const values: Record<string, { N: string } | { S: string }> = { ':n': { N: String(message.attempt) } };
  let expression: string;
  if (set === 'delivered') {
    expression = 'SET deliveredAt = :at';
    values[':at'] = { S: deps.now().toISOString() };
  } else if (set === 'finished') {
    // Exhausted or endpoint disabled: a duplicate of the last message must not start over.
    expression = 'SET finishedAt = :at, leaseUntilMs = :forever';
    values[':at'] = { S: deps.now().toISOString() };
    values[':forever'] = { N: String(Number.MAX_SAFE_INTEGER) };
  } else {
    expression = 'SET leaseUntilMs = :lease';
    values[':lease'] = { N: String(set.leaseUntilMs) };
  }
  return {
    Update: {
      TableName: deps.tableName,
      Key: deliveryKey(message.endpointId, message.eventId, message.run),
      UpdateExpression: expression,
      ConditionExpression: 'attempt = :n',
      ExpressionAttributeValues: values,
    },
  };
}

async function recordSuccess(deps: WebhookDeps, record: EndpointRecord, message: DeliveryMessage, attemptRecord: WebhookAttempt): Promise<DeliveryOutcome> {
  const items = [putAttempt(deps, record.endpoint.id, attemptRecord), updateDelivery(deps, message, 'delivered')];
  if (record.failingSinceMs !== undefined || record.consecutiveFailures || record.circuitOpenUntilMs !== undefined) {
    // A success ends the failure streak (and its disable clock), and closes the circuit.
    items.push({
      Update: {
        TableName: deps.tableName,
        Key: endpointKey(record.endpoint.id),
        UpdateExpression: 'REMOVE failingSinceMs, failingReportedMs, consecutiveFailures, circuitOpenUntilMs',
        ConditionExpression: 'attribute_exists(pk)',
      },
    });
  }
  await writeBestEffort(deps, items);
  return 'delivered';
}

async function recordFailure(
  deps: WebhookDeps, record: EndpointRecord, message: DeliveryMessage, attemptRecord: WebhookAttempt, response: WebhookResponse,
): Promise<DeliveryOutcome> {
  const now = deps.now();
  const failingSinceMs = record.failingSinceMs ?? now.getTime();
  if (now.getTime() - failingSinceMs >= deps.disableAfterMs) return disable(deps, record, message, attemptRecord, 'failing');
  // One update of the endpoint per failure: the streak's start (kept if set) and the circuit's count.
  const failure = failureClauses(deps, record, now.getTime());
  if (failure.openUntilMs !== undefined) deps.signal({ kind: 'circuit_opened', endpointId: record.endpoint.id, openUntilMs: failure.openUntilMs });
  const endpointFailure = (extraSet: string[] = [], extraValues: Record<string, AttributeValue> = {}, condition = 'attribute_exists(pk)'): TransactWriteItem => ({
    Update: {
      TableName: deps.tableName,
      Key: endpointKey(record.endpoint.id),
      UpdateExpression: `SET ${['failingSinceMs = if_not_exists(failingSinceMs, :since)', ...failure.set, ...extraSet].join(', ')} ADD ${failure.add}`,
      ConditionExpression: condition,
      ExpressionAttributeValues: { ':since': { N: String(failingSinceMs) }, ...failure.values, ...extraValues },
    },
  });
  const delayMs = nextRetryDelayMs(
    deps.retryScheduleSeconds,
    { attempt: message.attempt, ...(response.statusCode !== undefined ? { statusCode: response.statusCode } : {}), ...(response.retryAfter ? { retryAfter: response.retryAfter } : {}) },
    now,
    deps.random,
  );
  if (delayMs !== undefined) {
    const next: DeliveryMessage = { ...message, attempt: message.attempt + 1, notBeforeMs: now.getTime() + delayMs };
    // Sent before the record is written: if the write fails the next attempt still exists.
    await enqueue(deps, next);
    await writeBestEffort(deps, [
      putAttempt(deps, record.endpoint.id, attemptRecord),
      updateDelivery(deps, message, { leaseUntilMs: next.notBeforeMs + leaseMs }),
      endpointFailure(),
    ]);
    return 'retry_scheduled';
  }
  // Retries spent: the message goes to the dead-letter queue for operators, the merchant hears once per streak.
  await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.deliveryDeadLetterQueueUrl, MessageBody: JSON.stringify(message) }));
  deps.signal({ kind: 'delivery_exhausted', endpointId: record.endpoint.id, eventId: message.eventId });
  const items: TransactWriteItem[] = [putAttempt(deps, record.endpoint.id, attemptRecord), updateDelivery(deps, message, 'finished')];
  if (record.failingReportedMs === undefined) {
    items.push(
      endpointFailure(['failingReportedMs = :now'], { ':now': { N: String(now.getTime()) } }, 'attribute_exists(pk) AND attribute_not_exists(failingReportedMs)'),
      endpointEvent(deps, record, 'webhook_endpoint.failing', record.endpoint),
    );
  } else items.push(endpointFailure());
  await writeBestEffort(deps, items);
  return 'exhausted';
}

/** Disables the endpoint and raises `webhook_endpoint.disabled`, in one transaction. */
async function disable(
  deps: WebhookDeps, record: EndpointRecord, message: DeliveryMessage, attemptRecord: WebhookAttempt, reason: 'gone' | 'failing',
): Promise<DeliveryOutcome> {
  const disabled: WebhookEndpoint = { ...record.endpoint, status: 'disabled' };
  const items: TransactWriteItem[] = [
    putAttempt(deps, record.endpoint.id, attemptRecord),
    updateDelivery(deps, message, 'finished'),
    {
      Update: {
        TableName: deps.tableName,
        Key: endpointKey(record.endpoint.id),
        UpdateExpression: 'SET #status = :disabled, #object = :object',
        ConditionExpression: '#status = :enabled',
        ExpressionAttributeNames: { '#status': 'status', '#object': 'object' },
        ExpressionAttributeValues: { ':disabled': { S: 'disabled' }, ':enabled': { S: 'enabled' }, ':object': { S: JSON.stringify(disabled) } },
      },
    },
    endpointEvent(deps, record, 'webhook_endpoint.disabled', disabled),
  ];
  deps.signal({ kind: 'endpoint_disabled', endpointId: record.endpoint.id, reason });
  await writeBestEffort(deps, items);
  return 'endpoint_disabled';
}

function endpointEvent(deps: WebhookDeps, record: EndpointRecord, type: WebhookEndpointEventType, endpoint: WebhookEndpoint): TransactWriteItem {
  return endpointEventItem(deps.tableName, record.merchantId, type, endpoint, deps.now()).item;
}

/**
 * Writes the attempt's bookkeeping. A cancelled transaction means another worker changed the
 * endpoint or the delivery first (it was disabled, deleted, or the failing event already raised):
 * the attempt itself is still recorded, the rest is theirs.
 */
async function writeBestEffort(deps: WebhookDeps, items: TransactWriteItem[]): Promise<void> {
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    deps.logger.warn('webhook bookkeeping lost a race', { reasons: error.CancellationReasons?.map((reason) => reason.Code) });
    await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [items[0]!] }));
  }
}

/** Sends the message with the delay it still needs, at most SQS's 900 s: longer waits come back here and go round again. */
async function enqueue(deps: WebhookDeps, message: DeliveryMessage): Promise<void> {
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.deliveryQueueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: queueDelaySeconds(message.notBeforeMs, deps.now().getTime()),
      ...traceMessageAttributes(traceHeaderFor(message.objectId)),
    }),
  );
}
