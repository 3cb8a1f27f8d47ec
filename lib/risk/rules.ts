import * as z from 'zod';

/**
 * Risk rules are data, not code: the platform ships defaults and each merchant may carry partial
 * overrides (stored as JSON), merged by effectiveRules. Amounts are decimal strings of minor units
 * so they survive JSON and DynamoDB without float rounding; the engine turns them into bigints.
 */

const assetCode = z.string().regex(/^[A-Z][A-Z0-9]{1,15}$/, 'asset codes are uppercase, e.g. USDC');
// 78 digits is the largest uint256, the widest amount any EVM token can hold.
const minorAmount = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, 'must be a non-negative integer of minor units, as a string');
const amountsByAsset = z.record(assetCode, minorAmount);
const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address');
const chainName = z.string().min(1);

const ruleFields = {
  maxPerPaymentMinor: amountsByAsset,
  dailyVolumePerMerchantMinor: amountsByAsset,
  dailyVolumePerDestinationMinor: amountsByAsset,
  allowedChains: z.union([z.literal('*'), z.array(chainName)]),
  allowedAssets: z.array(assetCode),
  blockedDestinations: z.array(evmAddress),
  kyc: z.strictObject({ thresholdMinor: amountsByAsset }),
};

const limitTables = ['maxPerPaymentMinor', 'dailyVolumePerMerchantMinor', 'dailyVolumePerDestinationMinor'] as const;

// Strict objects: a misspelt key in stored rules would otherwise be dropped and a limit silently lost.
export const riskRulesSchema = z.strictObject(ruleFields).superRefine((rules, ctx) => {
  // An allowed asset without limits has no safe reading (unlimited? zero?), so refuse the rule set.
  for (const asset of rules.allowedAssets) {
    for (const table of limitTables) {
      if (rules[table][asset] === undefined) {
        ctx.addIssue({ code: 'custom', path: [table, asset], message: `allowed asset ${asset} has no ${table} limit` });
      }
    }
    if (rules.kyc.thresholdMinor[asset] === undefined) {
      const message = `allowed asset ${asset} has no KYC threshold`;
      ctx.addIssue({ code: 'custom', path: ['kyc', 'thresholdMinor', asset], message });
    }
  }
});
export type RiskRules = z.infer<typeof riskRulesSchema>;

export const riskOverridesSchema = z.strictObject({
  maxPerPaymentMinor: amountsByAsset.optional(),
  dailyVolumePerMerchantMinor: amountsByAsset.optional(),
  dailyVolumePerDestinationMinor: amountsByAsset.optional(),
  allowedChains: ruleFields.allowedChains.optional(),
  allowedAssets: ruleFields.allowedAssets.optional(),
  blockedDestinations: ruleFields.blockedDestinations.optional(),
  kyc: z.strictObject({ thresholdMinor: amountsByAsset.optional() }).optional(),
});
export type RiskOverrides = z.infer<typeof riskOverridesSchema>;

/**
 * Per-asset tables merge key by key (a merchant raising its USDC limit keeps the platform's other
 * assets). Allowed chains and assets replace the defaults so a merchant can be narrowed; the
 * blocklist is a union, so a merchant's own list can never unblock a platform-wide block.
 * The result is validated again, so an override that allows an asset without limits throws a
 * ZodError instead of running unbounded.
 */
export function effectiveRules(defaults: RiskRules, overrides: RiskOverrides | undefined): RiskRules {
  if (overrides === undefined) return defaults;
  return riskRulesSchema.parse({
    maxPerPaymentMinor: { ...defaults.maxPerPaymentMinor, ...overrides.maxPerPaymentMinor },
    dailyVolumePerMerchantMinor: { ...defaults.dailyVolumePerMerchantMinor, ...overrides.dailyVolumePerMerchantMinor },
    dailyVolumePerDestinationMinor: { ...defaults.dailyVolumePerDestinationMinor, ...overrides.dailyVolumePerDestinationMinor },
    allowedChains: overrides.allowedChains ?? defaults.allowedChains,
    allowedAssets: overrides.allowedAssets ?? defaults.allowedAssets,
    blockedDestinations: [...defaults.blockedDestinations, ...(overrides.blockedDestinations ?? [])],
    kyc: { thresholdMinor: { ...defaults.kyc.thresholdMinor, ...overrides.kyc?.thresholdMinor } },
  });
}

const usdc = (whole: bigint): string => (whole * 10n ** 6n).toString(); // USDC has 6 decimals

// Parsed at load so a bad edit to the defaults fails every test and cold start, not a payment.
export const platformDefaultRules: RiskRules = riskRulesSchema.parse({
  maxPerPaymentMinor: { USDC: usdc(10_000n) },
  dailyVolumePerMerchantMinor: { USDC: usdc(1_000_000n) },
  dailyVolumePerDestinationMinor: { USDC: usdc(100_000n) },
  allowedChains: '*',
  allowedAssets: ['USDC'],
  blockedDestinations: [],
  kyc: { thresholdMinor: { USDC: usdc(1_000n) } },
});
