import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BuildDeps } from '#lib/reports/deps.js';
import type { ReportType } from '#lib/reports/schemas.js';
import { evmMinedTransferReader } from '#lib/reports/chain-transfers.js';
import { api } from './api.js';
import { chainRegistry, clients } from './deps.js';
import { readReportFile } from './duckdb.js';
import { localCredentials, stack } from './stack.js';
import { waitFor } from './wait.js';

/** An S3 client on the stack's moto, path-style as the functions' own resolves for an IP endpoint. */
export function s3(): S3Client {
  const info = stack();
  return new S3Client({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.s3, forcePathStyle: true });
}

/** The reports builder's deps over `tableName`, writing to the stack's reports bucket and reading the stack's chains. */
export function builderDeps(tableName: string): BuildDeps {
  const chains = chainRegistry();
  return { dynamodb: clients().dynamodb, tableName, s3: s3(), bucket: stack().buckets.ReportsBucket!, now: () => new Date(), chains, readMined: evmMinedTransferReader(chains) };
}

/** A report file read straight from the bucket with DuckDB. */
export async function readObject(deps: Pick<BuildDeps, 's3' | 'bucket'>, key: string, format: 'csv' | 'parquet') {
  const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
  return readBytes(`object.${format}`, Buffer.from(await object.Body!.transformToByteArray()), format);
}

async function readBytes(name: string, bytes: Buffer, format: 'csv' | 'parquet') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-report-'));
  try {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return await readReportFile(file, format);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface ReportBody {
  id: string;
  status: 'pending' | 'ready';
  type: ReportType;
  format: 'csv' | 'parquet';
  created_at: string;
  row_count: number | null;
  mismatch_count: number | null;
  mismatches: Record<string, number> | null;
  download?: { url: string; expires_at: string } | null;
}

/** Requests a report through the API; fails unless it is accepted (201). */
export async function requestReport(key: string, body: { type: string; interval: { start: string; end: string }; format?: string }): Promise<ReportBody> {
  const created = await api('POST', '/v1/reports', { key, body });
  if (created.status !== 201) throw new Error(`POST /v1/reports answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body as ReportBody;
}

/** Polls GET /v1/reports/{id} until the stack's reports function made it ready (relay → queue → build). */
export async function readyReport(key: string, id: string): Promise<ReportBody> {
  return waitFor(`report ${id} to be ready`, async () => {
    const read = await api('GET', `/v1/reports/${id}`, { key });
    return read.body.status === 'ready' ? (read.body as ReportBody) : undefined;
  }, { timeoutMs: 120_000, intervalMs: 500 });
}

/** Downloads a ready report by its presigned URL and reads it with DuckDB. */
export async function downloadReport(report: ReportBody): Promise<{ columns: string[]; rows: Record<string, string | null>[] }> {
  if (!report.download) throw new Error(`report ${report.id} has no download URL`);
  const response = await fetch(report.download.url);
  if (!response.ok) throw new Error(`download of ${report.id} answered ${response.status}`);
  return readBytes(`${report.id}.${report.format}`, Buffer.from(await response.arrayBuffer()), report.format);
}
