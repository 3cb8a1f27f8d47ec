import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { jsonAttribute, readItem } from '#platform';
import type { SealedSecret } from './totp.js';
import { merchantListPartition } from '../items.js';

/**
 * What a member may do (api/http/console-routes.ts): a `viewer` reads, an `approver` also decides approval
 * requests, an `admin` also changes members, the policy and webhooks. Ordered from least to most.
 */
export const memberRoles = ['viewer', 'approver', 'admin'] as const;
export type MemberRole = (typeof memberRoles)[number];

/** A member stored without a role (added before roles existed) is an approver: what every member could do then. */
export const defaultMemberRole: MemberRole = 'approver';

export function isMemberRole(value: string): value is MemberRole {
  return (memberRoles as readonly string[]).includes(value);
}

/** True when `role` may do what `required` may. */
export function roleAtLeast(role: MemberRole, required: MemberRole): boolean {
  return memberRoles.indexOf(role) >= memberRoles.indexOf(required);
}

/** A person of a merchant who can approve requests (lib/merchants/approvals) with a member key and a TOTP code. */
export interface MemberRecord {
  id: string;
  merchantId: string;
  email: string;
  /** Absent on members added before roles: read as `approver` (memberRoleOf). */
  role?: MemberRole;
  createdAt: string;
  secret: SealedSecret;
  /** The last TOTP time step accepted: replay protection (a code is accepted only for a later step). */
  lastStep?: number;
  /** Wrong codes since the last good one or the last lockout. */
  failedCodes: number;
  lockedUntilMs?: number;
  /** When the member was revoked (lanepay member revoke): its key is refused and its approvals no longer count. */
  revokedAt?: string;
  /** A platform member who signs treasury transfers: the index (1..N) of the owner key its approvals sign with (treasury-owners.ts). */
  treasuryOwner?: number;
}

/** The member's role, `approver` for a member stored without one. */
export function memberRoleOf(record: Pick<MemberRecord, 'role'>): MemberRole {
  return record.role ?? defaultMemberRole;
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
  if (record.role !== undefined) item.role = { S: record.role };
  if (record.lastStep !== undefined) item.lastStep = { N: String(record.lastStep) };
  if (record.lockedUntilMs !== undefined) item.lockedUntilMs = { N: String(record.lockedUntilMs) };
  if (record.revokedAt !== undefined) item.revokedAt = { S: record.revokedAt };
  if (record.treasuryOwner !== undefined) item.treasuryOwner = { N: String(record.treasuryOwner) };
  return item;
}

const storedMemberSchema = z.object({
  memberId: z.string(),
  merchantId: z.string(),
  email: z.string(),
  role: z.optional(z.enum(memberRoles)),
  createdAt: z.string(),
  secret: jsonAttribute(z.custom<SealedSecret>()),
  failedCodes: z._default(z.number(), 0),
  lastStep: z.optional(z.number()),
  lockedUntilMs: z.optional(z.number()),
  revokedAt: z.optional(z.string()),
  treasuryOwner: z.optional(z.int()),
});

export function memberFromItem(item: Record<string, AttributeValue>): MemberRecord {
  const { memberId, ...record } = readItem(storedMemberSchema, item);
  return { id: memberId, ...record };
}
