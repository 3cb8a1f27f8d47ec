import { GetItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { nameTokens } from '../kyc/screening/normalize.js';
import { documentRegisterKey } from './items.js';
import type { Pii } from './pii.js';
import { readItem } from '../aws/item.js';
import * as z from 'zod';

/**
 * Who gave an identity document before: the register that makes trying again under another name
 * or as another customer visible. A document number and a name have little entropy, so a plain
 * hash could be reversed by guessing: both are keyed with the KMS HMAC key of the request
 * fingerprints (each message domain-separated and bound to the merchant), and only the digests
 * are stored. One item per document and merchant holds the customers who gave it and the names it
 * was given under; a decision reads it and adds to it in its own transaction, guarded by its version.
 */
export interface IdentityDigests {
  document: string;
  name: string;
}

export interface DocumentRegister {
  digest: string;
  customers: string[];
  names: string[];
  /** 0 when the document was never given. */
  version: number;
}

type MacDeps = { kms: KMSClient; fingerprintKeyId: string };

/** The number as issued: upper case, no filler; a passport's with its issuing state (numbers are unique per state). */
export function normalisedDocument(document: Pii['document']): string {
  if (document.type === 'cn_resident_id') return `cn_resident_id:${document.number.toUpperCase()}`;
  const [line1, line2] = document.mrz;
  return `passport:${line1.slice(2, 5).replace(/</g, '')}:${line2.slice(0, 9).replace(/</g, '')}`;
}

/** The name's tokens as screening reads them (case, accents, punctuation, titles, order do not count). */
export function normalisedName(name: string): string {
  return [...nameTokens(name)].sort().join(' ');
}

async function mac(deps: MacDeps, message: string): Promise<string> {
  const result = await deps.kms.send(new GenerateMacCommand({ KeyId: deps.fingerprintKeyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(message, 'utf8') }));
  return Buffer.from(result.Mac!).toString('base64url');
}

export async function identityDigests(deps: MacDeps, merchantId: string, pii: Pii): Promise<IdentityDigests> {
  const [document, name] = await Promise.all([
    mac(deps, `kyc-document\u0000${merchantId}\u0000${normalisedDocument(pii.document)}`),
    mac(deps, `kyc-name\u0000${merchantId}\u0000${normalisedName(pii.name)}`),
  ]);
  return { document, name };
}

const storedRegisterSchema = z.object({ customers: z.set(z.string()).default(new Set()), names: z.set(z.string()).default(new Set()), version: z.number() });

export async function readDocumentRegister(deps: { dynamodb: DynamoDBClient; tableName: string }, digest: string): Promise<DocumentRegister> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: documentRegisterKey(digest), ConsistentRead: true }));
  if (!Item) return { digest, customers: [], names: [], version: 0 };
  const stored = readItem(storedRegisterSchema, Item);
  return { digest, customers: [...stored.customers], names: [...stored.names], version: stored.version };
}

/** `document_reused`: another customer gave this document; `name_changed`: it was given under another name. */
export function documentReasons(register: DocumentRegister, customerId: string, nameDigest: string): ('document_reused' | 'name_changed')[] {
  const reasons: ('document_reused' | 'name_changed')[] = [];
  if (register.customers.some((id) => id !== customerId)) reasons.push('document_reused');
  if (register.names.some((name) => name !== nameDigest)) reasons.push('name_changed');
  return reasons;
}

/** Adds the customer and the name to the register, if nobody did since it was read. */
export function documentRegisterUpdate(tableName: string, register: DocumentRegister, customerId: string, nameDigest: string, now: Date): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: documentRegisterKey(register.digest),
      // `names` is a reserved word: every attribute goes by a placeholder.
      UpdateExpression: 'ADD #customers :customer, #names :name SET #version = :next, #entity = :entity, #updatedAt = :now',
      ExpressionAttributeNames: { '#customers': 'customers', '#names': 'names', '#version': 'version', '#entity': 'entity', '#updatedAt': 'updatedAt' },
      ConditionExpression: register.version === 0 ? 'attribute_not_exists(pk)' : '#version = :version',
      ExpressionAttributeValues: {
        ':customer': { SS: [customerId] },
        ':name': { SS: [nameDigest] },
        ':next': { N: String(register.version + 1) },
        ':entity': { S: 'kyc_document' },
        ':now': { S: now.toISOString() },
        ...(register.version === 0 ? {} : { ':version': { N: String(register.version) } }),
      },
    },
  };
}
