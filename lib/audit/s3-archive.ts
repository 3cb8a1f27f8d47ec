import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DigestArchive } from './deps.js';

/**
 * Archives each signed period digest to the Object Lock bucket (compliance mode, default retention
 * from infra/audit.yml): once written, nobody can change or delete it before the retention ends.
 */
export function s3DigestArchive(s3: S3Client, bucket: string): DigestArchive {
  return async (periodId, body) => {
    await s3.send(new PutObjectCommand({
      Bucket: bucket,
      Key: `audit/periods/${periodId}.json`,
      Body: body,
      ContentType: 'application/json',
      // Object Lock requires an integrity checksum on every PutObject.
      ChecksumAlgorithm: 'SHA256',
    }));
  };
}
