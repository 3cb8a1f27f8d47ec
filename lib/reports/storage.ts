import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Report } from './schemas.js';

/**
 * Where a report's file lives: Hive-style partitions (`merchant=…/type=…/date=…`, the day it was
 * requested, UTC) under a prefix per format, so a Glue table (infra/reports.yml) reads only Parquet
 * and Athena prunes by merchant, type and day. One file per report, named by its id.
 */
export function reportObjectKey(merchantId: string, report: Pick<Report, 'id' | 'type' | 'format' | 'created_at'>): string {
  return `${report.format}/merchant=${merchantId}/type=${report.type}/date=${report.created_at.slice(0, 10)}/${report.id}.${report.format}`;
}

/** How long a download URL works: long enough to start a download, short enough that a leaked one dies soon. */
export const downloadUrlSeconds = 300;

/** A presigned GET of exactly one object, valid `downloadUrlSeconds`, naming the file for the browser. */
export async function downloadUrl(s3: S3Client, bucket: string, key: string, now: Date): Promise<{ url: string; expires_at: string }> {
  const filename = key.slice(key.lastIndexOf('/') + 1);
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: `attachment; filename="${filename}"` }), {
    expiresIn: downloadUrlSeconds,
    signingDate: now,
  });
  return { url, expires_at: new Date(now.getTime() + downloadUrlSeconds * 1000).toISOString() };
}
