import { SNSClient } from '@aws-sdk/client-sns';
import { tracer } from '../../observability/powertools.js';

let sns: SNSClient | undefined;

export function snsClient(): SNSClient {
  sns ??= tracer.captureAWSv3Client(new SNSClient({ maxAttempts: 4 }));
  return sns;
}
