import {
  GetItemCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { writeAudited, type AuditActor, type AuditEntry } from '#audit';
import { requestApproval, requiredApprovals, type ApprovalPolicy } from '#merchants';
import { conditionFailedAt, newestFirstPage, newId, NotFoundError, ValidationError, type Page, type PageRequest } from '#platform';
import type { WebhookEndpoint } from './endpoint-object.js';
import type { WebhookDeps } from './deps.js';
import { EndpointLimitError } from './errors.js';
import { attemptFromItem, attemptsPartition, endpointCountKey, endpointFromItem, endpointItem, endpointKey, endpointListPartition, type EndpointRecord, type StoredSecret } from './items.js';
import type { CreateEndpointBody, WebhookAttempt } from './schemas.js';
import { encryptSecret } from './secrets.js';
import { newSigningSecret } from './signing.js';
import { checkDestination, parseEndpointUrl } from './url.js';

type EndpointWithSecret = WebhookEndpoint & { secret: string };

/** Endpoints a merchant may have at once: each event fans out to all of them. */
export const maxEndpointsPerMerchant = 16;

/** Endpoint changes come through the merchant API; the key id is filled in when the handler knows it. */
const merchantKey: AuditActor = { type: 'api_key', id: null };

function endpointAudit(deps: WebhookDeps, merchantId: string, actor: AuditActor, action: string, id: string): AuditEntry {
  return { merchantId, actor, action, object: { type: 'webhook_endpoint', id }, at: deps.now() };
}

/**
 * Registers an endpoint. The URL is refused unless https (http on local) and unless every address
 * its host resolves to is public (loopback allowed on local): the SSRF guard's first check; the
 * second runs at each delivery. The secret is returned here only; it is stored KMS-encrypted.
 */
export async function createEndpoint(
  deps: WebhookDeps, merchantId: string, body: CreateEndpointBody, policy?: ApprovalPolicy, actor: AuditActor = merchantKey,
): Promise<EndpointWithSecret & { approval_id?: string }> {
  const parsed = parseEndpointUrl(body.url, deps.stage);
  if (!parsed.ok) throw new ValidationError(`The webhook URL ${parsed.reason}.`, [{ field: 'url', message: parsed.reason }]);
  const destination = await checkDestination(parsed.url, deps.stage, deps.resolve);
  if (!destination.ok) {
    throw new ValidationError(`The webhook URL is not allowed: ${destination.reason}.`, [{ field: 'url', message: `not allowed: ${destination.reason}` }]);
  }
  const now = deps.now();
  const endpoint: WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    url: parsed.url.href,
    events: body.events,
    description: body.description ?? null,
    status: 'enabled',
    created_at: now.toISOString(),
  };
  const secret = newSigningSecret();
  const record: EndpointRecord = { endpoint, merchantId, secrets: [{ ciphertext: await encryptSecret(deps, endpoint.id, secret) }], version: 1 };
  const requirement = requiredApprovals(policy, { kind: 'webhook_endpoint.create' });
  if (requirement.approvals > 0) {
    // Held: the endpoint (its secret sealed) waits in the request and is written when approved (lib/notify/webhooks/held-endpoint.ts).
    const approval = await requestApproval(deps, {
      merchantId,
      change: { kind: 'webhook_endpoint.create', endpoint, secrets: record.secrets },
      subject: endpoint.id,
      details: { url: endpoint.url, events: endpoint.events },
      requirement,
      requestedBy: actor.type === 'system' || actor.type === 'payer' ? { type: 'operator', id: null } : { type: actor.type, id: actor.id },
      now,
    });
    return { ...endpoint, secret, approval_id: approval.id };
  }
  try {
    await writeAudited(deps, {
      items: createEndpointItems(deps.tableName, record),
      audit: endpointAudit(deps, merchantId, actor, 'webhook_endpoint.created', endpoint.id),
    });
  } catch (error) {
    if (conditionFailedAt(error, 1)) {
      throw new EndpointLimitError(maxEndpointsPerMerchant);
    }
    throw error;
  }
  return { ...endpoint, secret };
}

/** The items of `webhook_endpoint.create`: the endpoint and the merchant's endpoint count (capped). */
export function createEndpointItems(tableName: string, record: EndpointRecord): TransactWriteItem[] {
  return [
    { Put: { TableName: tableName, Item: endpointItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: tableName,
        Key: endpointCountKey(record.merchantId),
        UpdateExpression: 'ADD #n :one',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :cap',
        ExpressionAttributeNames: { '#n': 'count' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':cap': { N: String(maxEndpointsPerMerchant) } },
      },
    },
  ];
}

/** The endpoint record if it belongs to the merchant; another merchant's reads as not found. */
export async function readEndpoint(deps: Pick<WebhookDeps, 'dynamodb' | 'tableName'>, merchantId: string, id: string): Promise<EndpointRecord> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: endpointKey(id), ConsistentRead: true }));
  if (!result.Item || result.Item.merchantId?.S !== merchantId) throw new NotFoundError('webhook endpoint', id);
  return endpointFromItem(result.Item);
}

export async function getEndpoint(deps: WebhookDeps, merchantId: string, id: string): Promise<WebhookEndpoint> {
  return (await readEndpoint(deps, merchantId, id)).endpoint;
}

/** Newest first; ids are time-ordered, so the cursor is the id. */
export async function listEndpoints(deps: WebhookDeps, merchantId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
  return newestFirstPage(deps, { index: 'gsi1', partition: endpointListPartition(merchantId) }, page, (item) => endpointFromItem(item).endpoint);
}

/** Deletes the endpoint; deliveries already queued for it find it gone and stop. */
export async function deleteEndpoint(deps: WebhookDeps, merchantId: string, id: string, actor: AuditActor = merchantKey): Promise<{ id: string; object: 'webhook_endpoint'; deleted: true }> {
  try {
    await writeAudited(deps, {
      items: [
        { Delete: { TableName: deps.tableName, Key: endpointKey(id), ConditionExpression: 'merchantId = :m', ExpressionAttributeValues: { ':m': { S: merchantId } } } },
        { Update: { TableName: deps.tableName, Key: endpointCountKey(merchantId), UpdateExpression: 'ADD #n :minus', ExpressionAttributeNames: { '#n': 'count' }, ExpressionAttributeValues: { ':minus': { N: '-1' } } } },
      ],
      audit: endpointAudit(deps, merchantId, actor, 'webhook_endpoint.deleted', id),
    });
  } catch (error) {
    if (conditionFailedAt(error, 0)) throw new NotFoundError('webhook endpoint', id);
    throw error;
  }
  return { id, object: 'webhook_endpoint', deleted: true };
}

/**
 * Replaces the signing secret. The previous one keeps signing beside the new one for the overlap
 * (24 h), so receivers can switch without losing a message; one older than that is dropped.
 */
export async function rotateSecret(deps: WebhookDeps, merchantId: string, id: string, actor: AuditActor = merchantKey): Promise<EndpointWithSecret> {
  for (let tries = 0; ; tries += 1) {
    const record = await readEndpoint(deps, merchantId, id);
    const now = deps.now();
    const secret = newSigningSecret();
    const [current] = record.secrets;
    const secrets: StoredSecret[] = [
      { ciphertext: await encryptSecret(deps, id, secret) },
      ...(current ? [{ ciphertext: current.ciphertext, expiresAtMs: now.getTime() + deps.secretOverlapMs }] : []),
    ];
    try {
      await writeAudited(deps, {
        items: [
          {
            Update: {
              TableName: deps.tableName,
              Key: endpointKey(id),
              UpdateExpression: 'SET secrets = :s, version = :next',
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':s': { S: JSON.stringify(secrets) }, ':v': { N: String(record.version) }, ':next': { N: String(record.version + 1) } },
            },
          },
        ],
        audit: endpointAudit(deps, merchantId, actor, 'webhook_endpoint.secret_rotated', id),
      });
      return { ...record.endpoint, secret };
    } catch (error) {
      // A concurrent rotation won; read again and rotate on top of it.
      const rotatedMeanwhile = conditionFailedAt(error, 0);
      if (rotatedMeanwhile && tries < 2) continue;
      throw error;
    }
  }
}

/** Delivery attempts of one endpoint, newest first, kept 30 days. */
export async function listAttempts(
  deps: WebhookDeps, merchantId: string, id: string, page: PageRequest,
): Promise<Page<WebhookAttempt>> {
  await readEndpoint(deps, merchantId, id);
  return newestFirstPage(deps, { partition: attemptsPartition(id) }, page, attemptFromItem);
}
