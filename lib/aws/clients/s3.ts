import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../../observability/powertools.js';

let s3: S3Client | undefined;

export function s3Client(): S3Client {
  s3 ??= tracer.captureAWSv3Client(new S3Client({ maxAttempts: 4 }));
  return s3;
}
