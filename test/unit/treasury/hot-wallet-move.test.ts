import { Interface, Wallet, zeroPadValue } from 'ethers';
import { describe, expect, it } from 'vitest';
import { moveCalls, moveHash, sealedMove } from '#lib/treasury/moves/move.js';
import { moveMismatch } from '#lib/treasury/moves/verify.js';
import type { TreasuryTransfer } from '#lib/treasury/transfers/items.js';

const address = () => Wallet.createRandom().address;
const wallet = address();
const token = address();
const safe = address();
const messenger = address();
const mintTo = address();
const relayer = address();
const at = '2026-12-07T00:00:00.000Z';

function transfer(route: 'transfer' | 'cctp'): TreasuryTransfer {
  const subject = { transferId: 'tt_0123456789abcdef', asset: 'USDC', amountMinor: 5_000_000n, route };
  const move = route === 'transfer'
    ? sealedMove(subject, { chainId: 31337, wallet, token, amount: '5000000', recipient: safe })
    : sealedMove(subject, { chainId: 31337, wallet, token, amount: '5000000', recipient: mintTo, cctp: { tokenMessenger: messenger, destinationDomain: 7, mintRecipient: mintTo, destinationCaller: relayer } });
  return {
    id: subject.transferId, status: 'proposed', route, asset: 'USDC', amount: '5000000',
    from: { chain: 'local-a', account: 'hot_wallet', address: wallet }, to: route === 'transfer' ? { chain: 'local-a', account: 'treasury', address: safe } : { chain: 'local-b', account: 'hot_wallet', address: mintTo },
    reason: {}, threshold: 2, move, signatures: {}, createdAt: at, updatedAt: at,
  };
}

describe('a hot wallet move and its hash', () => {
  it('changes its hash with every field the key signs and every field members see', () => {
    const base = transfer('cctp');
    const subject = { transferId: base.id, asset: 'USDC', amountMinor: 5_000_000n, route: base.route };
    const { hash, ...move } = base.move!;
    expect(moveHash(subject, move)).toBe(hash);
    const variants = [
      moveHash({ ...subject, transferId: 'tt_fedcba9876543210' }, move),
      moveHash({ ...subject, amountMinor: 5_000_001n }, move),
      moveHash({ ...subject, route: 'transfer' }, move),
      moveHash(subject, { ...move, chainId: 1 }),
      moveHash(subject, { ...move, wallet: address() }),
      moveHash(subject, { ...move, token: address() }),
      moveHash(subject, { ...move, amount: '5000001' }),
      moveHash(subject, { ...move, recipient: address() }),
      moveHash(subject, { ...move, cctp: { ...move.cctp!, tokenMessenger: address() } }),
      moveHash(subject, { ...move, cctp: { ...move.cctp!, destinationDomain: 8 } }),
      moveHash(subject, { ...move, cctp: { ...move.cctp!, mintRecipient: address() } }),
      moveHash(subject, { ...move, cctp: { ...move.cctp!, destinationCaller: address() } }),
    ];
    expect(new Set([hash, ...variants]).size).toBe(variants.length + 1);
  });

  it('signs one token transfer to the Safe on one chain, and an exact approve then the burn across chains', () => {
    const erc20 = new Interface(['function transfer(address to, uint256 amount)', 'function approve(address spender, uint256 amount)']);
    const [sweep] = moveCalls(transfer('transfer').move!);
    expect(sweep!.to).toBe(token);
    expect(erc20.decodeFunctionData('transfer', sweep!.data).map(String)).toEqual([safe, '5000000']);
    const [approve, burn] = moveCalls(transfer('cctp').move!);
    expect(approve!.to).toBe(token);
    expect(erc20.decodeFunctionData('approve', approve!.data).map(String)).toEqual([messenger, '5000000']);
    expect(burn!.to).toBe(messenger);
    const burnAbi = new Interface(['function depositForBurn(uint256 amount, uint32 destinationDomain, bytes32 mintRecipient, address burnToken, bytes32 destinationCaller, uint256 maxFee, uint32 minFinalityThreshold)']);
    expect(burnAbi.decodeFunctionData('depositForBurn', burn!.data).map(String)).toEqual([
      '5000000', '7', zeroPadValue(mintTo, 32).toLowerCase(), token, zeroPadValue(relayer, 32).toLowerCase(), '0', '2000',
    ]);
  });

  it('refuses a move that is not the approved one, or not the transfer\'s', () => {
    const t = transfer('cctp');
    expect(moveMismatch(t, t.move!.hash)).toBeUndefined();
    expect(moveMismatch(t, undefined)).toMatch(/binds no hot wallet move/);
    expect(moveMismatch(t, `0x${'ab'.repeat(32)}`)).toMatch(/is not the approved/);
    expect(moveMismatch({ ...t, move: { ...t.move!, amount: '9000000' } }, t.move!.hash)).toMatch(/altered/);
    expect(moveMismatch({ ...t, amount: '9000000' }, t.move!.hash)).toMatch(/altered/);
    expect(moveMismatch({ ...t, to: { ...t.to, address: address() } }, t.move!.hash)).toMatch(/not .* destination/);
    expect(moveMismatch({ ...t, from: { ...t.from, address: address() } }, t.move!.hash)).toMatch(/source wallet/);
  });
});
