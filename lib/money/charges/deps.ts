import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ChainRegistry } from '#chains';

/** What the charge operations need, handed in by the function (or a test). */
export interface ChargeDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  chains: ChainRegistry;
  /** Public base of the hosted checkout page; a charge's page is `<base>/<charge id>`. */
  checkoutBaseUrl: string;
  now: () => Date;
}
