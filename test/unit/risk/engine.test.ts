import { getAddress, hexlify, Wallet } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { declineCodes, evaluatePayment, riskRuleOrder, type KycStatus, type PaymentRiskInput } from '#lib/compliance/risk/engine.js';
import { platformDefaultRules, type RiskRules } from '#lib/compliance/risk/rules.js';

const USDC = 1_000_000n; // minor units per USDC
const maxPerPaymentMinor = 10_000n * USDC;
const kycThresholdMinor = 1_000n * USDC;
const sanctioned = getAddress('0x7f367cc41522ce07553e823bf3be79a889debe1b');
const cleanDestination = Wallet.createRandom().address;

function payment(overrides: Partial<PaymentRiskInput> = {}): PaymentRiskInput {
  return { amountMinor: 25n * USDC, asset: 'USDC', chain: 'base', destination: cleanDestination, ...overrides };
}

function forCustomer(amountMinor: bigint, kycStatus: KycStatus): PaymentRiskInput {
  return payment({ amountMinor, customer: { id: 'cus_1', kycStatus } });
}

function rules(overrides: Partial<RiskRules> = {}): RiskRules {
  return { ...platformDefaultRules, ...overrides };
}

const arbitraryDestination = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => getAddress(hexlify(bytes)));

describe('evaluatePayment', () => {
  describe('approval', () => {
    it('approves a clean payment after checking every rule, in order', () => {
      const decision = evaluatePayment(payment(), rules());

      expect(decision.outcome).toBe('approve');
      expect(decision.rulesChecked).toEqual([...riskRuleOrder]);
    });

    it('returns the daily limits for the caller to enforce in the hold transaction', () => {
      const decision = evaluatePayment(payment(), rules());

      expect(decision).toMatchObject({
        velocity: { merchantDailyLimitMinor: 1_000_000n * USDC, destinationDailyLimitMinor: 100_000n * USDC },
      });
    });

    it('approves any amount up to the KYC threshold on an allowed chain and asset when there is no customer', () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 1n, max: kycThresholdMinor }),
          fc.string({ minLength: 1 }),
          arbitraryDestination,
          (amountMinor, chain, destination) => {
            const decision = evaluatePayment(payment({ amountMinor, chain, destination }), rules());

            expect(decision.outcome).toBe('approve');
          },
        ),
      );
    });
  });

  describe('per-payment limit', () => {
    it('declines any amount above the limit with amount_over_limit', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: maxPerPaymentMinor + 1n, max: 2n ** 256n }), (amountMinor) => {
          const decision = evaluatePayment(payment({ amountMinor }), rules());

          expect(decision).toMatchObject({ outcome: 'decline', rule: 'max_per_payment', declineCode: 'amount_over_limit' });
        }),
      );
    });

    it('rejects a non-positive amount as a caller bug', () => {
      expect(() => evaluatePayment(payment({ amountMinor: 0n }), rules())).toThrow(RangeError);
    });
  });

  describe('chains and assets', () => {
    it('declines a chain outside an explicit allow-list', () => {
      const decision = evaluatePayment(payment({ chain: 'polygon' }), rules({ allowedChains: ['base', 'arbitrum'] }));

      expect(decision).toMatchObject({ outcome: 'decline', rule: 'allowed_chains', declineCode: 'chain_not_allowed' });
    });

    it('declines an asset that is not allowed', () => {
      const decision = evaluatePayment(payment({ asset: 'USDT' }), rules());

      expect(decision).toMatchObject({ outcome: 'decline', rule: 'allowed_assets', declineCode: 'asset_not_allowed' });
    });

    it('declines an allowed asset that has no limits configured rather than treating it as unlimited', () => {
      const decision = evaluatePayment(payment({ asset: 'EURC' }), rules({ allowedAssets: ['USDC', 'EURC'] }));

      expect(decision).toMatchObject({ outcome: 'decline', declineCode: 'asset_not_allowed' });
    });
  });

  describe('destinations', () => {
    it('declines a sanctioned destination in any letter case', () => {
      for (const destination of [sanctioned, sanctioned.toLowerCase()]) {
        const decision = evaluatePayment(payment({ destination }), rules());

        expect(decision).toMatchObject({ outcome: 'decline', rule: 'sanctions', declineCode: 'sanctioned_destination' });
      }
    });

    it('records a sanctions hit even when the payment breaks other rules too', () => {
      const everythingWrong = payment({ destination: sanctioned, chain: 'x', asset: 'X', amountMinor: 10n ** 30n });

      const decision = evaluatePayment(everythingWrong, rules({ allowedChains: [] }));

      expect(decision).toMatchObject({ rule: 'sanctions', rulesChecked: ['sanctions'] });
    });

    it('declines a destination on the merchant blocklist whatever the case of either spelling', () => {
      const destination = cleanDestination;
      const shouted = `0x${destination.slice(2).toUpperCase()}`;

      const decision = evaluatePayment(payment({ destination }), rules({ blockedDestinations: [shouted] }));

      expect(decision).toMatchObject({
        outcome: 'decline',
        rule: 'merchant_blocklist',
        declineCode: 'blocked_destination',
        rulesChecked: ['sanctions', 'merchant_blocklist'],
      });
    });
  });

  describe('KYC threshold', () => {
    it('declines a customer without approved KYC above the threshold', () => {
      for (const kycStatus of ['none', 'processing'] as const) {
        const decision = evaluatePayment(forCustomer(kycThresholdMinor + 1n, kycStatus), rules());

        expect(decision, kycStatus).toMatchObject({ outcome: 'decline', rule: 'kyc_threshold', declineCode: 'kyc_required' });
      }
    });

    it('declines a payment naming no customer above the threshold', () => {
      const decision = evaluatePayment(payment({ amountMinor: kycThresholdMinor + 1n }), rules());

      expect(decision).toMatchObject({ outcome: 'decline', rule: 'kyc_threshold', declineCode: 'kyc_required' });
    });

    it('approves a customer without KYC at exactly the threshold', () => {
      const decision = evaluatePayment(forCustomer(kycThresholdMinor, 'none'), rules());

      expect(decision.outcome).toBe('approve');
    });

    it('approves a customer with approved KYC above the threshold', () => {
      const decision = evaluatePayment(forCustomer(kycThresholdMinor * 5n, 'approved'), rules());

      expect(decision.outcome).toBe('approve');
    });
  });

  describe('KYC status (held customers)', () => {
    it('declines a customer in review at any amount, down to one minor unit, with kyc_review', () => {
      for (const amountMinor of [1n, USDC, kycThresholdMinor, kycThresholdMinor + 1n]) {
        const decision = evaluatePayment(forCustomer(amountMinor, 'review'), rules());

        expect(decision, String(amountMinor)).toMatchObject({ outcome: 'decline', rule: 'kyc_status', declineCode: 'kyc_review' });
      }
    });

    it('declines a rejected customer at any amount with kyc_rejected', () => {
      for (const amountMinor of [1n, USDC, kycThresholdMinor + 1n]) {
        const decision = evaluatePayment(forCustomer(amountMinor, 'rejected'), rules());

        expect(decision, String(amountMinor)).toMatchObject({ outcome: 'decline', rule: 'kyc_status', declineCode: 'kyc_rejected' });
      }
    });

    it('records a held customer as such even when the payment would also fail a commercial rule', () => {
      const decision = evaluatePayment(forCustomer(maxPerPaymentMinor + 1n, 'review'), rules());

      expect(decision).toMatchObject({ rule: 'kyc_status', rulesChecked: ['sanctions', 'merchant_blocklist', 'kyc_status'] });
    });

    it('lets customers not held pay below the threshold', () => {
      for (const kycStatus of ['none', 'processing', 'approved'] as const) {
        expect(evaluatePayment(forCustomer(USDC, kycStatus), rules()).outcome, kycStatus).toBe('approve');
      }
    });
  });
});

describe('declineCodes', () => {
  it('covers every code, including those the caller decides in the hold transaction', () => {
    expect(Object.values(declineCodes).sort()).toEqual([
      'amount_over_limit',
      'asset_not_allowed',
      'blocked_destination',
      'chain_not_allowed',
      'insufficient_funds',
      'kyc_rejected',
      'kyc_required',
      'kyc_review',
      'sanctioned_destination',
      'velocity_destination_daily',
      'velocity_merchant_daily',
    ]);
  });
});
