import { gunzipSync, gzipSync } from 'node:zlib';
import { GetItemCommand, paginateQuery, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { readItem } from '#platform';
import { KycError } from './errors.js';
import { loadSanctionsIndex, type SanctionsIndex, type SerializedSanctionsIndex } from './screening/index.js';

/**
 * The compiled sanctions index in the table: gzipped JSON (about 4.5 MB → under 1 MB) split into
 * items well below DynamoDB's 400 KB limit, under its version, then a pointer naming the latest
 * version, written last so readers never see a half-stored index. No extra store to provision.
 */
export interface SanctionsStoreDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  now: () => Date;
}

const chunkBytes = 300_000;
const latestKey = { pk: { S: 'SANCTIONS' }, sk: { S: 'LATEST' } };
const storedChunkSchema = z.object({ data: z.instanceof(Uint8Array) });
const chunkKey = (version: string, n: number) => ({ pk: { S: `SANCTIONS#${version}` }, sk: { S: `CHUNK#${String(n).padStart(4, '0')}` } });

/** No list was ever loaded: `lanepay sanctions load` (the local stack loads data/ofac at start). */
export class SanctionsListMissingError extends KycError {
  constructor() {
    super('No sanctions list is loaded: run `lanepay sanctions load --sdn sdn.csv --alt alt.csv`.');
    this.name = 'SanctionsListMissingError';
  }
}

export interface StoredSanctionsList {
  version: string;
  entries: number;
  names: number;
  chunks: number;
  loadedAt: string;
  /** False when this version was already the latest: nothing was written. */
  changed: boolean;
}

export async function storeSanctionsIndex(deps: SanctionsStoreDeps, index: SerializedSanctionsIndex): Promise<StoredSanctionsList> {
  const latest = await latestSanctionsList(deps);
  if (latest?.version === index.version) return { ...latest, changed: false };
  const packed = gzipSync(JSON.stringify(index));
  const chunks = Math.ceil(packed.length / chunkBytes);
  for (let n = 0; n < chunks; n++) {
    await deps.dynamodb.send(new PutItemCommand({
      TableName: deps.tableName,
      Item: { ...chunkKey(index.version, n), entity: { S: 'sanctions_chunk' }, data: { B: packed.subarray(n * chunkBytes, (n + 1) * chunkBytes) } },
    }));
  }
  const stored = { version: index.version, entries: index.entries.length, names: index.names.length, chunks, loadedAt: deps.now().toISOString() };
  await deps.dynamodb.send(new PutItemCommand({
    TableName: deps.tableName,
    Item: {
      ...latestKey, entity: { S: 'sanctions_list' }, version: { S: stored.version }, entries: { N: String(stored.entries) },
      names: { N: String(stored.names) }, chunks: { N: String(chunks) }, loadedAt: { S: stored.loadedAt },
    },
  }));
  return { ...stored, changed: true };
}

export async function latestSanctionsList(deps: Pick<SanctionsStoreDeps, 'dynamodb' | 'tableName'>): Promise<Omit<StoredSanctionsList, 'changed'> | undefined> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: latestKey, ConsistentRead: true }));
  if (!Item) return undefined;
  return readItem(z.object({ version: z.string(), entries: z.number(), names: z.number(), chunks: z.number(), loadedAt: z.string() }), Item);
}

/** Reads and loads the latest stored index (about 200 ms of CPU for the whole SDN list). */
export async function loadLatestSanctionsIndex(deps: Pick<SanctionsStoreDeps, 'dynamodb' | 'tableName'>): Promise<SanctionsIndex> {
  const latest = await latestSanctionsList(deps);
  if (!latest) throw new SanctionsListMissingError();
  const parts: Buffer[] = [];
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `SANCTIONS#${latest.version}` } },
    ConsistentRead: true,
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) parts.push(Buffer.from(readItem(storedChunkSchema, item).data));
  }
  if (parts.length !== latest.chunks) throw new KycError(`Sanctions list ${latest.version} has ${parts.length} of ${latest.chunks} chunks stored.`);
  return loadSanctionsIndex(gunzipSync(Buffer.concat(parts)).toString('utf8'));
}
