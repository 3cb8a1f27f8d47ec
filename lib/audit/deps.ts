import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { PeriodAnchor } from './digests.js';

/** Sends a period root on chain and finds it again; lib/audit/evm-anchor.ts is the EVM one. */
export interface Anchorer {
  anchor(rootHex: string): Promise<PeriodAnchor>;
  /** The anchor transaction's calldata and sender as the chain has them, or undefined if it is not there (yet). */
  find(anchor: PeriodAnchor): Promise<{ data: string; from: string; blockNumber: number | null } | undefined>;
  /** The anchoring wallet's address, from its KMS key: what a valid anchor's `from` must be. */
  address(): Promise<string>;
  /** Lets go of the RPC connection (CLI processes exit). */
  destroy(): void;
}

/** Writes a closed period's digest where nobody can delete it (S3 Object Lock on AWS). */
export type DigestArchive = (periodId: string, body: string) => Promise<void>;

export interface AuditDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  /** KMS asymmetric SIGN_VERIFY key (ECC_NIST_P256) that signs period digests. */
  signingKeyId: string;
  anchorer: Anchorer;
  /** Absent locally: there is no S3 emulator in the stack. */
  archive?: DigestArchive;
  now: () => Date;
}
