// zod/mini: the authorizer parses profiles and should carry no classic zod (lib/platform/aws/config.ts says why).
import * as z from 'zod/mini';
import { approvalPolicySchema } from './approvals/policy.js';

/** A merchant's settings, stored as one JSON attribute and handed to functions by the authorizer. */
export const merchantProfileSchema = z.object({
  id: z.string(),
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  createdAt: z.string(),
  fee: z.object({
    bps: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
    fixedMinor: z.string().check(z.regex(/^(0|[1-9][0-9]{0,29})$/)),
  }),
  /** Per-merchant overrides of the platform's risk rules (lib/compliance/risk). */
  risk: z.record(z.string(), z.unknown()),
  /**
   * Value of the merchant's own API Gateway API key in the stage's usage plan (per-merchant rate
   * limits); absent, the merchant counts against the stage's shared usage key. Not a secret: with
   * the key source AUTHORIZER, API Gateway ignores any x-api-key a client sends.
   */
  usageKey: z.optional(z.string().check(z.minLength(20), z.maxLength(128))),
  /**
   * Per asset, the smallest pay-in transfer credited as a deposit (ledger minor units); smaller ones
   * are counted on the charge as dust. Absent: 0.01 of the asset. Applies to charges opened after it is set.
   */
  minDeposit: z.optional(z.record(z.string(), z.string().check(z.regex(/^(0|[1-9][0-9]{0,29})$/)))),
  /**
   * The platform merchant: its members operate the platform (hot wallets, forecasts, audit, KYC reviews),
   * so the platform-only rows of api/http/console-routes.ts are theirs; the platform routes answer any
   * other merchant 403 `platform_only` (lib/merchants/platform.ts). Absent: false.
   */
  platform: z.optional(z.boolean()),
  /** Which changes wait for members' approvals (lib/merchants/approvals/policy.ts); absent: none. */
  approvals: z.optional(approvalPolicySchema),
});

export type MerchantProfile = z.infer<typeof merchantProfileSchema>;

/** Fee on an amount: basis points rounded down, plus the fixed part. Zero when no fee is set. */
export function feeFor(profile: Pick<MerchantProfile, 'fee'>, amountMinor: bigint): bigint {
  if (amountMinor === 0n) return 0n;
  return (amountMinor * BigInt(profile.fee.bps)) / 10_000n + BigInt(profile.fee.fixedMinor);
}
