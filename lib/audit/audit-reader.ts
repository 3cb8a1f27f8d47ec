import { GetItemCommand, paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { readClosingPeriod, type ClosingPeriod } from './closing.js';
import type { Anchorer } from './deps.js';
import { periodFromItem, periodHeadKey, periodPartition, type LaneDigest, type StoredLeaf, type StoredPeriod } from './digests.js';
import type { ChainHead } from './items.js';
import { readHead, readMerchantDigests, readPeriodLeaves, readRecords, readRegistry, type RegisteredLane } from './reads.js';
import type { StoredRecord } from './record.js';
import { canonicalJson } from './record.js';
import { signatureHolds, signingPublicKey } from './signing.js';

/**
 * Everything `audit verify` reads, and nothing else: the table behind it in use (tableAuditReader),
 * an in-memory log in the property test of verification.
 */
export interface AuditReader {
  head(merchantId: string, lane: number): Promise<ChainHead | undefined>;
  /** The lane's items under its record prefix in key order, from `fromSeq` (and to `toSeq`) when given. */
  records(merchantId: string, lane: number, range?: { fromSeq: number; toSeq?: number }): Promise<StoredRecord[]>;
  registry(merchantId: string): Promise<RegisteredLane[]>;
  merchantDigests(merchantId: string): Promise<LaneDigest[]>;
  /** Every stored period, in id order. */
  periods(): Promise<StoredPeriod[]>;
  /** The period `#HEAD` names, if any. */
  periodHead(): Promise<string | undefined>;
  periodLeaves(periodId: string): Promise<StoredLeaf[]>;
  closing(): Promise<ClosingPeriod | undefined>;
}

/** What verification checks signatures and anchors with. */
export interface AuditTrust {
  /** Whether the period's signature holds over the canonical JSON of its digest; throws when the key cannot be read. */
  signatureHolds(period: StoredPeriod): Promise<boolean>;
  /** Absent: anchors are not looked up (they count as pending). */
  anchorer?: Pick<Anchorer, 'find' | 'address'>;
}

type Reader = { dynamodb: DynamoDBClient; tableName: string };

export function tableAuditReader(deps: Reader): AuditReader {
  return {
    head: (merchantId, lane) => readHead(deps, merchantId, lane),
    records: (merchantId, lane, range) => readRecords(deps, merchantId, lane, range),
    registry: (merchantId) => readRegistry(deps, merchantId),
    merchantDigests: (merchantId) => readMerchantDigests(deps, merchantId),
    periods: () => readPeriods(deps),
    async periodHead() {
      const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: periodHeadKey, ConsistentRead: true }));
      return Item?.periodId?.S;
    },
    periodLeaves: (periodId) => readPeriodLeaves(deps, periodId),
    closing: () => readClosingPeriod(deps),
  };
}

/** Signatures checked with the key's public half from KMS (one GetPublicKey per key), anchors through the anchorer. */
export function kmsAuditTrust(kms: KMSClient, anchorer: AuditTrust['anchorer']): AuditTrust {
  return {
    signatureHolds: async (period) => signatureHolds(await signingPublicKey(kms, period.signingKeyId), canonicalJson(period.digest), period.signature),
    ...(anchorer ? { anchorer } : {}),
  };
}

async function readPeriods(deps: Reader): Promise<StoredPeriod[]> {
  const periods: StoredPeriod[] = [];
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1000 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    // Period ids are ISO times; `#CLOSING` and `#HEAD` sort below them.
    KeyConditionExpression: 'pk = :pk AND sk > :head',
    ExpressionAttributeValues: { ':pk': { S: periodPartition }, ':head': { S: periodHeadKey.sk.S } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) periods.push(periodFromItem(item));
  return periods;
}
