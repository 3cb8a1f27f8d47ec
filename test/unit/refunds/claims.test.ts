import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { claimContentSecurityPolicy } from '#api/pages/claim/csp.js';
import { renderClaimPage } from '#api/pages/claim/render.js';
import { claimScript } from '#api/pages/claim/script.js';
import { claimStyles } from '#api/pages/claim/styles.js';
import { sourceHash } from '#api/pages/checkout/csp.js';
import type { ClaimRecord } from '#lib/money/refunds/claim-items.js';
import { checkClaimSignature, claimAddressPlaceholder, claimIdPattern, claimMessage, newClaimId, type ClaimTerms } from '#lib/money/refunds/claim-message.js';
import { claimStatusOf, claimView } from '#lib/money/refunds/claims.js';
import { claimBodySchema, createRefundBodySchema } from '#lib/money/refunds/schemas.js';
import type { Payment } from '#lib/money/payments/schemas.js';

const payer = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const other = new Wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const terms: ClaimTerms = {
  claimId: 'clm_0123456789abcdef0123456789abcdef', refundId: 're_01jabcdefghjkmnpqrstvwxyz0', amountMinor: 2_500_000n,
  asset: 'USDC', chainId: 31337, expiresAt: '2026-12-21T06:00:00.000Z',
};

describe('the claim message', () => {
  it('names the claim, the refund, the amount with its asset, the chain id, the address in lowercase and the expiry, one per line', () => {
    const message = claimMessage(terms, payer.address);
    expect(message.split('\n').slice(0, 8)).toEqual([
      'Lanepay refund claim', '',
      'Claim: clm_0123456789abcdef0123456789abcdef', 'Refund: re_01jabcdefghjkmnpqrstvwxyz0', 'Amount: 2500000 USDC minor units',
      'Chain ID: 31337', `Address: ${payer.address.toLowerCase()}`, 'Expires: 2026-12-21T06:00:00.000Z',
    ]);
  });

  it('is the same for the address in any letter case, and differs for every bound field', () => {
    const base = claimMessage(terms, payer.address);
    expect(claimMessage(terms, payer.address.toLowerCase())).toBe(base);
    expect(claimMessage(terms, payer.address.toUpperCase().replace('0X', '0x'))).toBe(base);
    const changed: Partial<ClaimTerms>[] = [
      { claimId: 'clm_ffffffffffffffffffffffffffffffff' }, { refundId: 're_01jabcdefghjkmnpqrstvwxyz1' }, { amountMinor: 2_500_001n },
      { asset: 'USDT' }, { chainId: 31338 }, { expiresAt: '2026-12-21T06:00:01.000Z' },
    ];
    for (const change of changed) expect(claimMessage({ ...terms, ...change }, payer.address), JSON.stringify(change, (_, v) => typeof v === 'bigint' ? String(v) : v)).not.toBe(base);
    expect(claimMessage(terms, other.address)).not.toBe(base);
  });

  it('claim ids are 128 random bits in hex, never the same twice', () => {
    const ids = Array.from({ length: 1000 }, newClaimId);
    for (const id of ids) expect(id).toMatch(claimIdPattern);
    expect(new Set(ids).size).toBe(1000);
  });
});

describe('checking a claim signature (EIP-191, recovered with ethers verifyMessage)', () => {
  it("accepts the address's personal_sign signature of the claim's message, whatever the letter case the address is entered in", async () => {
    const signature = await payer.signMessage(claimMessage(terms, payer.address));
    expect(checkClaimSignature(terms, payer.address, signature)).toEqual({ valid: true });
    expect(checkClaimSignature(terms, payer.address.toLowerCase(), signature)).toEqual({ valid: true });
  });

  it('refuses a signature from another key, naming the address it recovers to', async () => {
    const signature = await other.signMessage(claimMessage(terms, payer.address));
    expect(checkClaimSignature(terms, payer.address, signature)).toEqual({ valid: false, recovered: other.address });
  });

  it("refuses a payer's signature replayed for another address (the message names the address)", async () => {
    const signature = await payer.signMessage(claimMessage(terms, payer.address));
    const replay = checkClaimSignature(terms, other.address, signature);
    expect(replay.valid).toBe(false);
  });

  it("refuses another claim's signature, and the same claim's with another amount, chain or expiry", async () => {
    const signature = await payer.signMessage(claimMessage({ ...terms, claimId: 'clm_ffffffffffffffffffffffffffffffff' }, payer.address));
    expect(checkClaimSignature(terms, payer.address, signature).valid).toBe(false);
    for (const change of [{ amountMinor: 1n }, { chainId: 1 }, { expiresAt: '2027-01-01T00:00:00.000Z' }]) {
      const signed = await payer.signMessage(claimMessage({ ...terms, ...change }, payer.address));
      expect(checkClaimSignature(terms, payer.address, signed).valid).toBe(false);
    }
  });

  it('refuses a raw hash signature (not EIP-191 prefixed) and a malformed signature with no recovered address', async () => {
    const { keccak256, toUtf8Bytes } = await import('ethers');
    const raw = payer.signingKey.sign(keccak256(toUtf8Bytes(claimMessage(terms, payer.address)))).serialized;
    expect(checkClaimSignature(terms, payer.address, raw).valid).toBe(false);
    expect(checkClaimSignature(terms, payer.address, `0x${'00'.repeat(65)}`)).toEqual({ valid: false, recovered: null });
  });
});

describe('POST /v1/charges/{id}/refunds body: destination or claim', () => {
  const destination = payer.address;
  it('takes claim: true without a destination, with claim_expires_in between an hour and 30 days', () => {
    expect(createRefundBodySchema.parse({ claim: true })).toEqual({ claim: true });
    expect(createRefundBodySchema.parse({ claim: true, claim_expires_in: 3600 }).claim_expires_in).toBe(3600);
    expect(createRefundBodySchema.parse({ claim: true, claim_expires_in: 30 * 24 * 3600 }).claim_expires_in).toBe(30 * 24 * 3600);
  });

  it('refuses both destination and claim, neither, claim: false, claim_expires_in out of bounds or without claim', () => {
    const refused = [
      { claim: true, destination }, {}, { claim: false }, { claim: true, claim_expires_in: 3599 },
      { claim: true, claim_expires_in: 30 * 24 * 3600 + 1 }, { claim: true, claim_expires_in: 1.5 }, { destination, claim_expires_in: 3600 },
    ];
    for (const body of refused) expect(createRefundBodySchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });

  it('a claim body needs an address (not the zero address) and a 65-byte signature', () => {
    const signature = `0x${'ab'.repeat(65)}`;
    expect(claimBodySchema.safeParse({ address: payer.address, signature }).success).toBe(true);
    expect(claimBodySchema.safeParse({ address: payer.address, signature: `0x${'ab'.repeat(64)}` }).success).toBe(false);
    expect(claimBodySchema.safeParse({ address: 'not-an-address', signature }).success).toBe(false);
    expect(claimBodySchema.safeParse({ address: payer.address, signature, extra: 1 }).success).toBe(false);
  });
});

const claim: ClaimRecord = {
  id: terms.claimId, merchantId: 'mer_1', merchantName: 'Tea & <Co>', refundId: terms.refundId, chargeId: 'ch_1', paymentId: 'pay_1',
  amountMinor: terms.amountMinor, asset: 'USDC', chain: 'local-a', chainId: 31337, expiresAt: terms.expiresAt, status: 'open',
};
const payment = (status: Payment['status']) => ({ status }) as Payment;

describe('the claim as its page shows it', () => {
  const before = new Date('2026-12-20T00:00:00.000Z');
  it('is open while its payout waits authorized before the expiry, expired at or after it even before the sweep', () => {
    expect(claimStatusOf(claim, payment('authorized'), before)).toBe('open');
    expect(claimStatusOf(claim, payment('authorized'), new Date(terms.expiresAt))).toBe('expired');
    expect(claimStatusOf(claim, payment('expired'), before)).toBe('expired');
    expect(claimStatusOf(claim, payment('canceled'), before)).toBe('canceled');
    expect(claimStatusOf(claim, payment('requires_approval'), before)).toBe('requires_approval');
    expect(claimStatusOf({ ...claim, status: 'claimed' }, payment('processing'), before)).toBe('claimed');
  });

  it('renders in English and Simplified Chinese with the amount, asset, chain and its id, merchant (escaped), expiry and the message template', () => {
    const view = claimView(claim, payment('authorized'), before);
    const en = renderClaimPage({ view, lang: 'en', style: claimStyles, script: claimScript });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Claim your refund of 2.50 USDC');
    expect(en).toContain('From Tea &#38; &#60;Co&#62;');
    expect(en).not.toContain('<Co>');
    expect(en).toContain('local-a (chain ID 31337)');
    expect(en).toContain('2026-12-21 06:00:00 UTC');
    expect(en).toContain(`Address: ${claimAddressPlaceholder.replace('<', '&#60;').replace('>', '&#62;')}`);
    expect(en).toContain('id="claim-form"');
    const zh = renderClaimPage({ view, lang: 'zh-CN', style: claimStyles, script: claimScript });
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('领取您的 2.50 USDC 退款');
    expect(zh).toContain('来自 Tea &#38; &#60;Co&#62;');
  });

  it('shows no form once the claim is claimed, expired or canceled', () => {
    for (const [c, p] of [[{ ...claim, status: 'claimed' as const, address: payer.address }, payment('processing')], [claim, payment('expired')], [claim, payment('canceled')]] as const) {
      const html = renderClaimPage({ view: claimView(c, p, before), lang: 'en', style: claimStyles, script: claimScript });
      expect(html).not.toContain('id="claim-form"');
    }
  });

  it("allows only the page's own script and style by hash, no connection but its own origin, no form posts, frames or HTML sinks", () => {
    const csp = claimContentSecurityPolicy({ script: claimScript, style: claimStyles });
    expect(csp).toEqual({
      'default-src': "'none'", 'script-src': sourceHash(claimScript), 'style-src': sourceHash(claimStyles), 'img-src': "'none'", 'connect-src': "'self'",
      'base-uri': "'none'", 'form-action': "'none'", 'frame-ancestors': "'none'", 'require-trusted-types-for': "'script'", 'trusted-types': "'none'",
    });
  });
});
