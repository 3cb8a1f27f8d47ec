import { describe, expect, it } from 'vitest';
import { chainRegistrySchema } from '#lib/chains/registry.js';
import { explorerTxTemplate, explorerTxUrl } from '#lib/chains/explorers.js';
import { chainView } from '#lib/chains/view.js';

const entry = (chainId: number, extra: Record<string, unknown> = {}) => chainRegistrySchema.parse([{
  name: 'some-chain', chainId, rpcUrls: ['https://rpc.example.com/v3/secret-project-key'], confirmations: 10_000,
  fees: { type: 'legacy', gasPriceWei: '0' }, hotWalletKeyId: 'alias/hot-a',
  assets: [{ symbol: 'USDC', address: '0x52908400098527886E0F7030069857D2E4169EE7', decimals: 6 }], ...extra,
}])[0]!;

describe('explorer URLs of a chain', () => {
  it('takes the known explorer of a public chain id, and none for a local chain', () => {
    expect(explorerTxUrl(entry(1), '0xabc')).toBe('https://etherscan.io/tx/0xabc');
    expect(explorerTxUrl(entry(8453), '0xabc')).toBe('https://basescan.org/tx/0xabc');
    expect(explorerTxTemplate(entry(31337))).toBeNull();
  });

  it('prefers the registry entry\'s own template, and refuses one without {hash} or not https', () => {
    expect(explorerTxUrl(entry(31337, { explorerTxUrl: 'https://scan.internal/tx/{hash}?net=b' }), '0x1')).toBe('https://scan.internal/tx/0x1?net=b');
    expect(() => entry(31337, { explorerTxUrl: 'https://scan.internal/tx/' })).toThrow(/\{hash\}/);
    expect(() => entry(31337, { explorerTxUrl: 'http://scan.internal/tx/{hash}' })).toThrow(/https/);
  });

  it('shows a chain without its RPC URLs or hot wallet key', () => {
    const shown = JSON.stringify(chainView(entry(1)));
    expect(shown).not.toContain('secret-project-key');
    expect(shown).not.toContain('alias/hot-a');
    expect(chainView(entry(1))).toMatchObject({ name: 'some-chain', chain_id: 1, explorer_tx_url: 'https://etherscan.io/tx/{hash}', pay_ins: false });
  });
});
