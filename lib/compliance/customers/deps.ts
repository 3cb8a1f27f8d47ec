import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SanctionsIndex } from '../kyc/screening/index.js';

/** What the customer API needs, handed in by the function (or a test). */
export interface CustomerDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  sqs: SQSClient;
  tableName: string;
  dataKeyId: string;
  /** HMAC key for fingerprints of requests carrying PII (the API-key digest key). */
  fingerprintKeyId: string;
  /** The queue kyc-check decides verifications from. */
  checkQueueUrl: string;
  now: () => Date;
}

/** What deciding and re-screening need besides: the sanctions index of the latest loaded list. */
export interface KycCheckDeps extends CustomerDeps {
  sanctions: () => Promise<SanctionsIndex>;
  /** Logs without PII: ids, statuses and reason codes only. */
  log: (message: string, fields: Record<string, unknown>) => void;
}
