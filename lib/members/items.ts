import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SealedSecret } from './totp.js';
import { jsonAttribute, readItem } from '../aws/item.js';
import * as z from 'zod';
import { merchantListPartition } from '../merchants/items.js';

/** A person of a merchant who can approve requests (lib/approvals) with a member key and a TOTP code. */
export interface MemberRecord {
  id: string;
  merchantId: string;
  email: string;
  createdAt: string;
  secret: SealedSecret;
  /** The last TOTP time step accepted: replay protection (a code is accepted only for a later step). */
  lastStep?: number;
  /** Wrong codes since the last good one or the last lockout. */
  failedCodes: number;
  lockedUntilMs?: number;
  /** When the member was revoked (lanepay member revoke): its key is refused and its approvals no longer count. */
  revokedAt?: string;
}

export function memberKey(memberId: string) {
  return { pk: { S: `MEMBER#${memberId}` }, sk: { S: 'MEMBER' } };
}

export function memberKeyDigestKey(digest: string) {
  return { pk: { S: `MEMBERKEY#${digest}` }, sk: { S: 'MEMBERKEY' } };
}

/** One item per (merchant, email): the uniqueness check of an email within a merchant. */
export function memberEmailKey(merchantId: string, email: string) {
  return { pk: { S: `MEMBEREMAIL#${merchantId}#${email.toLowerCase()}` }, sk: { S: 'MEMBEREMAIL' } };
}

/**
 * A merchant's count of active (not revoked) members, the number a policy's M is checked against:
 * adding, revoking and setting a policy condition on it in their transactions, so no interleaving of
 * them leaves a policy asking more approvals than there are members to give them.
 */
export function activeMembersKey(merchantId: string) {
  return { pk: { S: `MEMBERCOUNT#${merchantId}` }, sk: { S: 'ACTIVE' } };
}

/** The gsi1 partition listing a merchant's members. */
export function merchantMembersPartition(merchantId: string): string {
  return merchantListPartition(merchantId, 'MEMBERS');
}

export function memberItem(record: MemberRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    ...memberKey(record.id),
    entity: { S: 'member' },
    memberId: { S: record.id },
    merchantId: { S: record.merchantId },
    email: { S: record.email },
    createdAt: { S: record.createdAt },
    secret: { S: JSON.stringify(record.secret) },
    failedCodes: { N: String(record.failedCodes) },
    gsi1pk: { S: merchantMembersPartition(record.merchantId) },
    gsi1sk: { S: record.id },
  };
  if (record.lastStep !== undefined) item.lastStep = { N: String(record.lastStep) };
  if (record.lockedUntilMs !== undefined) item.lockedUntilMs = { N: String(record.lockedUntilMs) };
  if (record.revokedAt !== undefined) item.revokedAt = { S: record.revokedAt };
  return item;
}

const storedMemberSchema = z.object({
  memberId: z.string(),
  merchantId: z.string(),
  email: z.string(),
  createdAt: z.string(),
  secret: jsonAttribute(z.custom<SealedSecret>()),
  failedCodes: z.number().default(0),
  lastStep: z.number().optional(),
  lockedUntilMs: z.number().optional(),
  revokedAt: z.string().optional(),
});

export function memberFromItem(item: Record<string, AttributeValue>): MemberRecord {
  const { memberId, ...record } = readItem(storedMemberSchema, item);
  return { id: memberId, ...record };
}
