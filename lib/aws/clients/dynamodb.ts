import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tracer } from '../../observability/powertools.js';
import { retryTransactionConflicts } from '../transaction-conflicts.js';

/*
 * SDK clients (lib/aws/clients/), each created once per container on first use and traced once.
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` variables, so
 * the same code reaches AWS, the local emulators or LocalStack. One module per client, imported
 * directly (no index): a function then loads only the SDK packages of the clients it calls.
 */
let dynamodb: DynamoDBClient | undefined;

export function dynamodbClient(): DynamoDBClient {
  dynamodb ??= tracer.captureAWSv3Client(retryTransactionConflicts(new DynamoDBClient({ maxAttempts: 4 })));
  return dynamodb;
}
