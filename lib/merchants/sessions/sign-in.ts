import { writeAudited } from '#audit';
import { conditionFailedAt, UnauthorizedError } from '#platform';
import { getMerchantProfile } from '../merchants.js';
import { MemberRevokedError } from '../approvals/errors.js';
import { OtpReplayedError } from '../members/errors.js';
import { parseMemberKey } from '../members/member-keys.js';
import { authenticateMemberKey, readMember } from '../members/members.js';
import { checkMemberCode } from '../members/otp.js';
import type { MemberRecord } from '../members/items.js';
import type { SessionDeps } from './deps.js';
import { countSignInAttempt } from './rate-limit.js';
import { newSession, sessionView, type SessionView } from './sessions.js';
import { mintSessionToken } from './tokens.js';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';

/** A new session: its token (the cookie's value, shown to nobody else) and what the page is told. */
export interface SignedIn {
  token: string;
  view: SessionView;
}

/**
 * Counts the attempt against its source address and, when the key names one, its member, before
 * anything else is read: a guesser is slowed whether its keys or its codes are wrong.
 */
export async function limitSignIn(deps: SessionDeps, sourceIp: string, memberId: string | undefined): Promise<void> {
  const nowMs = deps.now().getTime();
  await countSignInAttempt(deps, `ip:${sourceIp}`, deps.signInLimits.perSource, nowMs);
  if (memberId !== undefined) await countSignInAttempt(deps, `member:${memberId}`, deps.signInLimits.perMember, nowMs);
}

/**
 * Sign-in with a member key and the member's TOTP code. The code is checked and spent as an
 * approval's is (lib/merchants/members/otp.ts: a later time step than the last one used, the same
 * lockout after five wrong codes), in ONE transaction with the new session and its audit record: a
 * code signs in once, and a code spent on a sign-in cannot then approve anything.
 */
export async function signInWithTotp(deps: SessionDeps, input: { memberKey: string; code: string; sourceIp: string }): Promise<SignedIn> {
  const parsed = parseMemberKey(input.memberKey);
  await limitSignIn(deps, input.sourceIp, parsed.kind === 'current' ? parsed.keyId : undefined);
  const { memberId, merchantId } = await authenticateMemberKey(deps, input.memberKey);
  const member = await readMember(deps, merchantId, memberId);
  if (member.revokedAt !== undefined) throw new UnauthorizedError('This member was revoked.');
  const now = deps.now();
  const spendCode = await checkMemberCode(deps, member, input.code, now);
  return openSession(deps, member, 'totp', [spendCode], now, async (error) => {
    if (!conditionFailedAt(error, 0)) return undefined;
    return (await readMember(deps, merchantId, memberId)).revokedAt !== undefined ? new MemberRevokedError(memberId) : new OtpReplayedError();
  });
}

/**
 * Writes a session with what its sign-in spends (`spend`, first: a code's step, a challenge) and the
 * `console.signed_in` audit record, then signs its token. `refusal` names a failed condition of `spend`.
 */
export async function openSession(
  deps: SessionDeps,
  member: MemberRecord,
  method: 'totp' | 'passkey',
  spend: TransactWriteItem[],
  now: Date,
  refusal: (error: unknown) => Promise<Error | undefined>,
): Promise<SignedIn> {
  const { record, put } = newSession(deps.tableName, member, method, now);
  try {
    await writeAudited(deps, {
      items: [...spend, put],
      audit: { merchantId: member.merchantId, actor: { type: 'member', id: member.id }, action: 'console.signed_in', object: { type: 'member', id: member.id }, at: now },
    });
  } catch (error) {
    throw (await refusal(error)) ?? error;
  }
  const [token, profile] = await Promise.all([mintSessionToken(deps, record.id), getMerchantProfile(deps, member.merchantId)]);
  return { token, view: sessionView(record, member, profile) };
}
