import { GetItemCommand, type AttributeValue, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { jsonAttribute, NotFoundError, readItem } from '#platform';
import type { MemberRecord } from '../members/items.js';
import type { ApprovalPolicy } from './policy.js';
import { approvalSchema, type Approval, type ApprovalStatus } from './schemas.js';
import { merchantListPartition } from '../items.js';

/**
 * A webhook endpoint held for approval, as lib/notify/webhooks/endpoints.ts stored it (its secrets sealed).
 * Approvals hash it and hand it back to the webhooks applier once approved; they never read it.
 */
export interface HeldWebhookEndpoint {
  endpoint: { id: string } & Record<string, unknown>;
  secrets: unknown[];
}

/**
 * The change an approval holds, applied in the transaction that records the last approval. It
 * carries what applying needs without KMS (a new key's digest, never its secret), so approving
 * needs DynamoDB only.
 */
export type HeldChange =
  | { kind: 'payout'; paymentId: string }
  | { kind: 'api_key.create'; keyId: string; digest: string }
  | { kind: 'api_key.revoke'; keyId: string; digest: string }
  | { kind: 'risk.set'; risk: Record<string, unknown> }
  | { kind: 'approval_policy.set'; policy: ApprovalPolicy }
  | ({ kind: 'webhook_endpoint.create' } & HeldWebhookEndpoint)
  /** The member as `member.add` writes it (secret sealed, key as its digest); it counts from the approval on. */
  | { kind: 'member.add'; member: MemberRecord; keyDigest: string }
  | { kind: 'member.revoke'; memberId: string }
  /** `lanepay merchant set-platform`: the merchant operates the platform (true) or no longer does. */
  | { kind: 'platform.set'; platform: boolean }
  /**
   * A treasury transfer (lib/treasury/transfers), whose record holds the Safe transaction: each
   * approval is one owner's signature of it, added by the treasury function, which signs only the
   * SafeTx hash named here (the change hash binds it to what members approved).
   */
  | { kind: 'treasury.transfer'; transferId: string; safeTxHash: string }
  /**
   * A move out of a hot wallet (lib/treasury/moves): no SafeTx and no owner signature. The counted
   * approvals are the authority, and `moveHash` commits to exactly what the hot wallet's key signs
   * (chain, wallet, token, recipient, amount, route, and across chains the burn's domain, mint
   * recipient and destination caller): chain-submit signs only a move whose hash is this one.
   */
  | { kind: 'treasury.transfer'; transferId: string; moveHash: string };

export interface ApprovalRecord {
  approval: Approval;
  merchantId: string;
  version: number;
  change: HeldChange;
}

export function approvalKey(id: string) {
  return { pk: { S: `APPROVAL#${id}` }, sk: { S: 'APPROVAL' } };
}

/** The gsi1 partition listing a merchant's approvals in one status, oldest first. */
export function merchantApprovalsPartition(merchantId: string, status: ApprovalStatus): string {
  return merchantListPartition(merchantId, `APPROVALS#${status}`);
}

/** The gsi2 partition of pending approvals by expiry, read by the expiry sweep (as holds are: HOLDS#n). */
export const pendingApprovalsPartition = 'APPROVALS#PENDING';

export function approvalItem(record: ApprovalRecord): Record<string, AttributeValue> {
  const { approval } = record;
  const item: Record<string, AttributeValue> = {
    ...approvalKey(approval.id),
    entity: { S: 'approval' },
    merchantId: { S: record.merchantId },
    status: { S: approval.status },
    version: { N: String(record.version) },
    object: { S: JSON.stringify(approval) },
    change: { S: JSON.stringify(record.change) },
    gsi1pk: { S: merchantApprovalsPartition(record.merchantId, approval.status) },
    gsi1sk: { S: approval.id },
  };
  if (approval.status === 'pending') {
    item.gsi2pk = { S: pendingApprovalsPartition };
    item.gsi2sk = { S: `${approval.expires_at}#${approval.id}` };
  }
  return item;
}

const storedApprovalSchema = z.object({
  object: jsonAttribute(approvalSchema),
  merchantId: z.string(),
  version: z.number(),
  change: jsonAttribute(z.custom<HeldChange>()),
});

export function approvalFromItem(item: Record<string, AttributeValue>): ApprovalRecord {
  const { object, ...record } = readItem(storedApprovalSchema, item);
  return { approval: object, ...record };
}

/** A new request, written with attribute_not_exists. */
export function newApprovalItem(tableName: string, record: ApprovalRecord): TransactWriteItem {
  return { Put: { TableName: tableName, Item: approvalItem(record), ConditionExpression: 'attribute_not_exists(pk)' } };
}

/** Replaces a request only if nobody decided on it since it was read: version and `pending`. */
export function replaceApprovalItem(tableName: string, next: ApprovalRecord, expectedVersion: number): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: approvalItem(next),
      ConditionExpression: 'version = :version AND #status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':version': { N: String(expectedVersion) }, ':pending': { S: 'pending' } },
    },
  };
}

export async function readApproval(deps: { dynamodb: DynamoDBClient; tableName: string }, merchantId: string, approvalId: string): Promise<ApprovalRecord> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: approvalKey(approvalId), ConsistentRead: true }));
  // Another merchant's request is reported exactly like a missing one.
  if (!result.Item || result.Item.merchantId?.S !== merchantId) throw new NotFoundError('approval', approvalId);
  return approvalFromItem(result.Item);
}
