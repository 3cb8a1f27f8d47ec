import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';

/** What approvals need: the table, KMS to open TOTP secrets, and the manual-capture hold length. */
export interface ApprovalDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  /** An approved manual-capture payment is authorized from then for this long (as at creation). */
  holdExpiryMs: number;
  now: () => Date;
}
