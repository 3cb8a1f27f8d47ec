import { describe, expect, it } from 'vitest';
import { effectiveRules, platformDefaultRules, riskOverridesSchema, riskRulesSchema } from '#lib/compliance/risk/rules.js';

const blocked = '0x' + 'ee'.repeat(20);

describe('platformDefaultRules', () => {
  it('limits USDC to 10,000 per payment, 1,000,000 a day per merchant and 100,000 a day per destination', () => {
    expect(platformDefaultRules.maxPerPaymentMinor).toEqual({ USDC: '10000000000' });
    expect(platformDefaultRules.dailyVolumePerMerchantMinor).toEqual({ USDC: '1000000000000' });
    expect(platformDefaultRules.dailyVolumePerDestinationMinor).toEqual({ USDC: '100000000000' });
    expect(platformDefaultRules.kyc.thresholdMinor).toEqual({ USDC: '1000000000' });
    expect(platformDefaultRules.allowedChains).toBe('*');
  });
});

describe('effectiveRules', () => {
  it('returns the defaults when the merchant has no overrides', () => {
    expect(effectiveRules(platformDefaultRules, undefined)).toEqual(platformDefaultRules);
  });

  it('merges per-asset limits key by key and replaces allowed lists', () => {
    const defaults = riskRulesSchema.parse({
      ...platformDefaultRules,
      maxPerPaymentMinor: { USDC: '100', EURC: '200' },
      dailyVolumePerMerchantMinor: { USDC: '1000', EURC: '2000' },
      dailyVolumePerDestinationMinor: { USDC: '500', EURC: '600' },
      allowedAssets: ['USDC', 'EURC'],
      kyc: { thresholdMinor: { USDC: '50', EURC: '60' } },
    });
    const overrides = riskOverridesSchema.parse({
      maxPerPaymentMinor: { USDC: '150' },
      allowedChains: ['base'],
      allowedAssets: ['USDC'],
      kyc: { thresholdMinor: { EURC: '70' } },
    });

    const rules = effectiveRules(defaults, overrides);

    expect(rules.maxPerPaymentMinor).toEqual({ USDC: '150', EURC: '200' });
    expect(rules.dailyVolumePerMerchantMinor).toEqual(defaults.dailyVolumePerMerchantMinor);
    expect(rules.allowedChains).toEqual(['base']);
    expect(rules.allowedAssets).toEqual(['USDC']);
    expect(rules.kyc.thresholdMinor).toEqual({ USDC: '50', EURC: '70' });
  });

  it('adds merchant blocked destinations to the platform ones rather than replacing them', () => {
    const platformBlocked = '0x' + 'dd'.repeat(20);
    const defaults = { ...platformDefaultRules, blockedDestinations: [platformBlocked] };

    const rules = effectiveRules(defaults, { blockedDestinations: [blocked] });

    expect(rules.blockedDestinations).toEqual([platformBlocked, blocked]);
  });

  it('throws when an override allows an asset that has no limits', () => {
    const act = () => effectiveRules(platformDefaultRules, { allowedAssets: ['USDC', 'EURC'] });

    expect(act).toThrow(/EURC/);
  });
});

describe('riskRulesSchema', () => {
  it('rejects a limit written as a number, pointing at the offending asset', () => {
    const result = riskRulesSchema.safeParse({ ...platformDefaultRules, maxPerPaymentMinor: { USDC: 10_000 } });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(['maxPerPaymentMinor', 'USDC']);
  });

  it('rejects fractional and negative amounts', () => {
    for (const amount of ['1.5', '-1', '1e6', '007', '']) {
      const result = riskRulesSchema.safeParse({ ...platformDefaultRules, kyc: { thresholdMinor: { USDC: amount } } });

      expect(result.success, amount).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['kyc', 'thresholdMinor', 'USDC']);
    }
  });

  it('rejects a blocked destination that is not an address, pointing at its index', () => {
    const result = riskRulesSchema.safeParse({ ...platformDefaultRules, blockedDestinations: [blocked, 'vitalik.eth'] });

    expect(result.error?.issues[0]?.path).toEqual(['blockedDestinations', 1]);
  });

  it('rejects an allowed asset with no per-destination limit', () => {
    const result = riskRulesSchema.safeParse({ ...platformDefaultRules, dailyVolumePerDestinationMinor: {} });

    expect(result.error?.issues[0]?.path).toEqual(['dailyVolumePerDestinationMinor', 'USDC']);
  });
});

describe('riskOverridesSchema', () => {
  it('accepts an empty override', () => {
    expect(riskOverridesSchema.parse({})).toEqual({});
  });

  it('rejects a misspelt key instead of silently dropping the limit', () => {
    const result = riskOverridesSchema.safeParse({ maxPerPayment: { USDC: '1' } });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});
