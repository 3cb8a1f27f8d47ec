import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../observability/powertools.js';
import { retryTransactionConflicts } from './transaction-conflicts.js';

/**
 * SDK clients, each created once per container on first use and traced once. Endpoints come from
 * the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code
 * reaches AWS, the local emulators or LocalStack. One getter per client keeps a function's bundle
 * free of the clients it never calls.
 */
let dynamodb: DynamoDBClient | undefined;
let kms: KMSClient | undefined;
let sqs: SQSClient | undefined;
let sns: SNSClient | undefined;
let s3: S3Client | undefined;
let management: ApiGatewayManagementApiClient | undefined;

export function dynamodbClient(): DynamoDBClient {
  dynamodb ??= tracer.captureAWSv3Client(retryTransactionConflicts(new DynamoDBClient({ maxAttempts: 4 })));
  return dynamodb;
}

export function kmsClient(): KMSClient {
  kms ??= tracer.captureAWSv3Client(new KMSClient({ maxAttempts: 4 }));
  return kms;
}

export function s3Client(): S3Client {
  s3 ??= tracer.captureAWSv3Client(new S3Client({ maxAttempts: 4 }));
  return s3;
}

export function sqsClient(): SQSClient {
  sqs ??= tracer.captureAWSv3Client(new SQSClient({ maxAttempts: 4 }));
  return sqs;
}

export function snsClient(): SNSClient {
  sns ??= tracer.captureAWSv3Client(new SNSClient({ maxAttempts: 4 }));
  return sns;
}

/**
 * The WebSocket API's management API (PostToConnection). It has no regional default endpoint: the
 * endpoint names the API and its stage, so it comes from configuration.
 */
export function managementApiClient(endpoint: string): ApiGatewayManagementApiClient {
  management ??= tracer.captureAWSv3Client(new ApiGatewayManagementApiClient({ endpoint, maxAttempts: 2 }));
  return management;
}
