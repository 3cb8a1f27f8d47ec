import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../../observability/powertools.js';

let sqs: SQSClient | undefined;

export function sqsClient(): SQSClient {
  sqs ??= tracer.captureAWSv3Client(new SQSClient({ maxAttempts: 4 }));
  return sqs;
}
