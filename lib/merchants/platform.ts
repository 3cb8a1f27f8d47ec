import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { operatorActor, writeAudited, type AuditActor } from '#audit';
import { ConcurrentChangeError, conditionFailedAt } from '#platform';
import { holdIfRequired } from './approvals/hold.js';
import type { Approval } from './approvals/schemas.js';
import { PlatformOnlyError } from './errors.js';
import { getMerchantProfile, replaceProfileItem } from './merchants.js';
import type { MerchantProfile } from './profile.js';

/** Whether the merchant operates the platform (`platform` in its profile; absent is false). */
export function isPlatformMerchant(profile: Pick<MerchantProfile, 'platform'>): boolean {
  return profile.platform === true;
}

/** Refuses a platform route (`route`, e.g. `GET /v1/liquidity`) to any merchant but the platform's: 403 `platform_only`. */
export function assertPlatformMerchant(profile: Pick<MerchantProfile, 'platform'>, route: string): void {
  if (!isPlatformMerchant(profile)) throw new PlatformOnlyError(route);
}

/**
 * `lanepay merchant set-platform`: makes the merchant the platform's (or, `platform: false`, no
 * longer). An administrative change: held while the merchant's policy asks approvals for them, as
 * `merchant set-risk` is (lib/merchants/approvals/apply.ts applies it when approved); else applied
 * at once, conditioned on the profile read.
 */
export async function setPlatformUnderPolicy(
  deps: { dynamodb: DynamoDBClient; tableName: string; now?: () => Date; actor?: AuditActor },
  input: { merchantId: string; platform: boolean; requestedByMember?: string | undefined },
): Promise<{ merchant_id: string; platform: boolean } | Approval> {
  const merchant = await getMerchantProfile(deps, input.merchantId);
  const held = await holdIfRequired(deps, {
    merchant,
    change: { kind: 'platform.set', platform: input.platform },
    subject: null,
    details: { platform: input.platform },
    requestedByMember: input.requestedByMember,
  });
  if (held) return held;
  try {
    await writeAudited(deps, {
      items: [replaceProfileItem(deps.tableName, merchant.id, merchant, { ...merchant, platform: input.platform })],
      audit: { merchantId: merchant.id, actor: deps.actor ?? operatorActor, action: 'merchant.platform_updated', object: { type: 'merchant', id: merchant.id }, at: deps.now?.() ?? new Date() },
    });
  } catch (error) {
    if (conditionFailedAt(error, 0)) throw new ConcurrentChangeError('The merchant profile changed meanwhile; try again.');
    throw error;
  }
  return { merchant_id: merchant.id, platform: input.platform };
}
