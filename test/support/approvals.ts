import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { ApprovalDeps } from '#lib/merchants/approvals/deps.js';
import { heldChangeAppliers } from '../../functions/commons/approval-deps.js';
import { clients } from './deps.js';
import { stack } from './stack.js';

/** Approval deps against the test stack, composed as the approvals function composes them. */
export function approvalDeps(options: { holdExpiryMs: number; dynamodb?: DynamoDBClient; kms?: KMSClient }): ApprovalDeps {
  const { dynamodb, kms } = options.dynamodb && options.kms ? { dynamodb: options.dynamodb, kms: options.kms } : clients();
  const { holdExpiryMs } = options;
  const tableName = stack().tableName;
  return { dynamodb, kms, tableName, appliers: heldChangeAppliers({ dynamodb, tableName, holdExpiryMs }), now: () => new Date() };
}
