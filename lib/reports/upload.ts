import { PassThrough } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ReportFormat } from './schemas.js';

// Apart from storage.ts, so the reports API (which only presigns) does not bundle lib-storage.

const contentTypes: Record<ReportFormat, string> = { csv: 'text/csv; charset=utf-8', parquet: 'application/vnd.apache.parquet' };

/** Parts of 8 MB, two in flight: about 16 MB buffered however large the file (S3 allows 10,000 parts: 80 GB). */
export const uploadPartBytes = 8 * 1024 * 1024;
const uploadQueueSize = 2;

/**
 * A stream whose bytes go to S3 as they are written (a multipart upload once past one part);
 * `done` settles when the object is complete, and aborts the upload if the stream fails.
 */
export function objectUpload(s3: S3Client, bucket: string, key: string, format: ReportFormat): { body: PassThrough; done: Promise<void> } {
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: contentTypes[format], ServerSideEncryption: 'AES256' },
    partSize: uploadPartBytes,
    queueSize: uploadQueueSize,
    leavePartsOnError: false,
  });
  return { body, done: upload.done().then(() => undefined) };
}
