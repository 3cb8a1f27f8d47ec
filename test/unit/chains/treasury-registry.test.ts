import { describe, expect, it } from 'vitest';
import { circleCctpDeployments } from '#lib/chains/cctp.js';
import { chainSchema, sweepDestination } from '#lib/chains/registry.js';

const entry = (chainId: number, extra: Record<string, unknown>) => ({
  name: 'some-chain', chainId, rpcUrls: ['https://rpc.example.com'], confirmations: 4560,
  fees: { type: 'eip1559', maxFeePerGasWei: '100', maxPriorityFeePerGasWei: '1' },
  assets: [{ symbol: 'USDC', address: 'native', decimals: 18 }], hotWalletKeyId: 'alias/hot', ...extra,
});
const circleOnArbitrum = {
  domain: 3,
  tokenMessenger: '0x28b5a0e9C621a5BadaA536219b3a228C8168cf5d',
  messageTransmitter: '0x81D40F21F12A8F0E3252Bccb954D722d4c464B64',
  attestationApi: 'https://iris-api.circle.com',
};
const owner = (n: number) => ({ keyId: `alias/lanepay-prod-treasury-owner-${n}`, address: `0x${String(n).repeat(40)}` });
const treasury = (threshold: number, owners: { keyId: string; address: string }[]) => ({ safe: '0x' + 'a'.repeat(40), threshold, owners, relayerKeyId: 'alias/treasury-relayer', relayerAddress: '0x' + 'b'.repeat(40) });
const issues = (value: unknown) => {
  const parsed = chainSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('chain registry: CCTP', () => {
  it('accepts Circle\'s documented CCTP V2 contracts, domain and attestation API for the chain', () => {
    expect(issues(entry(42161, { cctp: circleOnArbitrum }))).toEqual([]);
    expect(issues(entry(84532, { confirmations: 570, cctp: { ...circleOnArbitrum, domain: 6, tokenMessenger: '0x8FE6B999Dc680CcFDD5Bf7EB0974218be2542DAA', messageTransmitter: '0xE737e5cEBEEBa77EFE34D4aa090756590b1CE275', attestationApi: 'https://iris-api-sandbox.circle.com/' } }))).toEqual([]);
  });

  it('refuses, for a chain Circle serves, another domain, messenger, transmitter or attestation API, naming Circle\'s', () => {
    expect(issues(entry(42161, { cctp: { ...circleOnArbitrum, domain: 6 } }))).toEqual([expect.stringMatching(/^cctp\.domain: .*Arbitrum One.*domain there is 3, not 6/)]);
    expect(issues(entry(42161, { cctp: { ...circleOnArbitrum, tokenMessenger: '0x' + 'b'.repeat(40) } }))).toEqual([expect.stringMatching(/^cctp\.tokenMessenger: .*0x28b5a0e9C621a5BadaA536219b3a228C8168cf5d/)]);
    expect(issues(entry(42161, { cctp: { ...circleOnArbitrum, attestationApi: 'https://iris-api-sandbox.circle.com' } }))).toEqual([expect.stringMatching(/^cctp\.attestationApi: /)]);
    expect(issues(entry(1, { confirmations: 65, cctp: { ...circleOnArbitrum, messageTransmitter: '0xE737e5cEBEEBa77EFE34D4aa090756590b1CE275', domain: 0 } }))).toEqual([expect.stringMatching(/^cctp\.messageTransmitter: /)]);
  });

  it('takes a local chain\'s own CCTP as given', () => {
    expect(issues(entry(31337, { confirmations: 1, cctp: { domain: 1000, tokenMessenger: '0x' + 'c'.repeat(40), messageTransmitter: '0x' + 'd'.repeat(40), attestationApi: 'http://127.0.0.1:4505' } }))).toEqual([]);
  });

  it('lists each documented chain with a distinct domain per network and Circle\'s two hosts only', () => {
    const mainnet = [...circleCctpDeployments.values()].filter((d) => d.attestationApi === 'https://iris-api.circle.com');
    const testnet = [...circleCctpDeployments.values()].filter((d) => d.attestationApi === 'https://iris-api-sandbox.circle.com');
    expect(mainnet.length + testnet.length).toBe(circleCctpDeployments.size);
    expect(new Set(mainnet.map((d) => d.domain)).size).toBe(mainnet.length);
    expect(new Set(testnet.map((d) => d.domain)).size).toBe(testnet.length);
  });
});

describe('chain registry: treasury', () => {
  it('accepts a Safe with M of N distinct owner keys, M at least 2', () => {
    expect(issues(entry(42161, { treasury: treasury(2, [owner(1), owner(2), owner(3)]) }))).toEqual([]);
  });

  it('refuses a threshold of one (one key would move funds) or above the owners, and one key or address for two owners', () => {
    expect(issues(entry(42161, { treasury: treasury(1, [owner(1), owner(2)]) }))).toEqual([expect.stringMatching(/^treasury\.threshold: /)]);
    expect(issues(entry(42161, { treasury: treasury(3, [owner(1), owner(2)]) }))).toEqual(['treasury.threshold: a threshold of 3 needs at least as many owners, not 2']);
    expect(issues(entry(42161, { treasury: treasury(2, [owner(1), { ...owner(2), keyId: owner(1).keyId }]) }))).toEqual([expect.stringMatching(/^treasury\.owners: each owner needs its own keyId/)]);
    expect(issues(entry(42161, { treasury: treasury(2, [owner(1), { ...owner(2), address: owner(1).address }]) }))).toEqual([expect.stringMatching(/^treasury\.owners: each owner needs its own address/)]);
  });
});

describe('chain registry: where sweeps go', () => {
  it('sweeps to the hot wallet unless told otherwise, and to the treasury when it names one', () => {
    expect(sweepDestination(chainSchema.parse(entry(42161, {})))).toBe('hot_wallet');
    expect(sweepDestination(chainSchema.parse(entry(42161, { sweepTo: 'treasury', treasury: treasury(2, [owner(1), owner(2)]) })))).toBe('treasury');
  });

  it('refuses sweeps to a treasury the chain does not have, and any other destination', () => {
    expect(issues(entry(42161, { sweepTo: 'treasury' }))).toEqual([expect.stringMatching(/^sweepTo: some-chain sweeps to its treasury but names none/)]);
    expect(issues(entry(42161, { sweepTo: 'merchant' }))).toEqual([expect.stringMatching(/^sweepTo: /)]);
  });
});
