import { KMSClient } from '@aws-sdk/client-kms';
import { tracer } from '../../observability/powertools.js';

let kms: KMSClient | undefined;

export function kmsClient(): KMSClient {
  kms ??= tracer.captureAWSv3Client(new KMSClient({ maxAttempts: 4 }));
  return kms;
}
