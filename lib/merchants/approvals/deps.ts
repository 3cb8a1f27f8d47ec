import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { HeldChangeAppliers } from './apply.js';

/** What approvals need: the table, KMS to open TOTP secrets, and the appliers of held payouts and endpoints. */
export interface ApprovalDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  appliers: HeldChangeAppliers;
  now: () => Date;
}
