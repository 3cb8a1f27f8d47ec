import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ChainRegistry } from '#chains';
import type { MinedTransferReader } from './chain-transfers.js';

/** What the reports API needs (functions/reports-api), handed in rather than imported. */
export interface ReportDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  s3: S3Client;
  /** The reports bucket (infra/reports.yml). */
  bucket: string;
  now: () => Date;
}

/** Adds a written Parquet file's partition to the Glue table of its type, so Athena sees it (absent locally). */
export type PartitionRegistrar = (partition: { type: string; merchantId: string; date: string; location: string }) => Promise<void>;

/** What the builder needs (functions/reports): the API's deps, the chains for reconciliation, and Glue. */
export interface BuildDeps extends ReportDeps {
  chains: ChainRegistry;
  readMined: MinedTransferReader;
  registerPartition?: PartitionRegistrar;
}
