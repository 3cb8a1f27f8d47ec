import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SealedSecret } from './totp.js';

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

/** The gsi1 partition listing a merchant's members. */
export function merchantMembersPartition(merchantId: string): string {
  return `MERCHANT#${merchantId}#MEMBERS`;
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
  return item;
}

export function memberFromItem(item: Record<string, AttributeValue>): MemberRecord {
  return {
    id: item.memberId!.S!,
    merchantId: item.merchantId!.S!,
    email: item.email!.S!,
    createdAt: item.createdAt!.S!,
    secret: JSON.parse(item.secret!.S!) as SealedSecret,
    failedCodes: Number(item.failedCodes?.N ?? '0'),
    ...(item.lastStep?.N ? { lastStep: Number(item.lastStep.N) } : {}),
    ...(item.lockedUntilMs?.N ? { lockedUntilMs: Number(item.lockedUntilMs.N) } : {}),
  };
}
