import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../observability/powertools.js';

/**
 * SDK clients, created once per container and traced once.
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` variables,
 * so the same code reaches AWS, the local emulators or LocalStack without a branch of ours.
 */
export interface AwsClients {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  sqs: SQSClient;
}

let clients: AwsClients | undefined;

export function awsClients(): AwsClients {
  clients ??= {
    dynamodb: tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 4 })),
    kms: tracer.captureAWSv3Client(new KMSClient({ maxAttempts: 4 })),
    sqs: tracer.captureAWSv3Client(new SQSClient({ maxAttempts: 4 })),
  };
  return clients;
}
