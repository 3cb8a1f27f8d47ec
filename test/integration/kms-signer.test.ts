import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  Contract,
  Transaction,
  Wallet,
  randomBytes,
  recoverAddress,
  toBigInt,
  verifyMessage,
  verifyTypedData,
  type JsonRpcProvider,
} from 'ethers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsSigner } from '#lib/chains/kms-signer.js';
import { fundAddress, localProvider } from '../../scripts/stack/chains.js';
import { localCredentials, stack } from '../support/stack.js';

const SECP256K1_HALF_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n / 2n;

/** Counts real requests per KMS command as they leave the client; no mocks involved. */
function countCommands(kms: KMSClient): Map<string, number> {
  const counts = new Map<string, number>();
  kms.middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(context.commandName ?? '?', (counts.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return counts;
}

describe('KmsSigner against local KMS and a local chain', () => {
  let kms: KMSClient;
  let counts: Map<string, number>;
  let keyId: string;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    kms = new KMSClient({ endpoint: stack().endpoints.kms, region: stack().region, credentials: localCredentials });
    counts = countCommands(kms);
    const created = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' }));
    keyId = created.KeyMetadata!.KeyId!;
    const chain = stack().chains[0]!;
    provider = localProvider(chain.rpcUrl, chain.chainId);
  });

  afterAll(() => {
    provider?.destroy();
    kms?.destroy();
  });

  describe('signDigest', () => {
    beforeEach(async () => {
      // Warm the address cache so each test counts only the signing calls it makes.
      await new KmsSigner(kms, keyId).getAddress();
      counts.clear();
    });

    it('produces a signature that recovers to the KMS address', async () => {
      const signer = new KmsSigner(kms, keyId);
      const digest = randomBytes(32);
      const signature = await signer.signDigest(digest);
      expect(recoverAddress(digest, signature)).toBe(await signer.getAddress());
    });

    it('makes exactly one KMS Sign call per signature and no GetPublicKey call once the address is known', async () => {
      const signer = new KmsSigner(kms, keyId);
      await signer.signDigest(randomBytes(32));
      expect(Object.fromEntries(counts)).toEqual({ SignCommand: 1 });
    });

    it('always returns low-s signatures, though KMS returns high s about half the time', async () => {
      const signer = new KmsSigner(kms, keyId);
      const address = await signer.getAddress();
      // 16 signatures leave a 1 in 65,536 chance that KMS never returned a high s to normalise.
      for (let i = 0; i < 16; i++) {
        const digest = randomBytes(32);
        const signature = await signer.signDigest(digest);
        expect(toBigInt(signature.s) <= SECP256K1_HALF_N).toBe(true);
        expect(recoverAddress(digest, signature)).toBe(address);
      }
      expect(counts.get('SignCommand')).toBe(16);
    });

    it('rejects a digest that is not 32 bytes without calling KMS', async () => {
      await expect(new KmsSigner(kms, keyId).signDigest(randomBytes(31))).rejects.toThrow(/32 bytes/);
      expect(counts.size).toBe(0);
    });
  });

  describe('getAddress', () => {
    it('calls GetPublicKey once per key per process, however many signers are built', async () => {
      const created = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' }));
      const freshKeyId = created.KeyMetadata!.KeyId!;
      counts.clear();

      const addresses = await Promise.all([1, 2, 3].map(() => new KmsSigner(kms, freshKeyId).getAddress()));
      await new KmsSigner(kms, freshKeyId).connect(provider).getAddress();

      expect(new Set(addresses).size).toBe(1);
      expect(Object.fromEntries(counts)).toEqual({ GetPublicKeyCommand: 1 });
    });
  });

  describe('messages and typed data', () => {
    it('signs EIP-191 messages that verify to the KMS address', async () => {
      const signer = new KmsSigner(kms, keyId);
      const signature = await signer.signMessage('pay 12.50 USDC');
      expect(verifyMessage('pay 12.50 USDC', signature)).toBe(await signer.getAddress());
    });

    it('signs EIP-712 typed data that verifies to the KMS address', async () => {
      const signer = new KmsSigner(kms, keyId);
      const domain = { name: 'Lanepay', version: '1', chainId: 31337 };
      const types = { Payout: [{ name: 'to', type: 'address' }, { name: 'amount', type: 'uint256' }] };
      const value = { to: Wallet.createRandom().address, amount: 1_250_000n };
      const signature = await signer.signTypedData(domain, types, value);
      expect(verifyTypedData(domain, types, value, signature)).toBe(await signer.getAddress());
    });
  });

  describe('transactions', () => {
    it('sends a USDC transfer that is mined with the KMS address as sender', async () => {
      const chain = stack().chains[0]!;
      const signer = new KmsSigner(kms, keyId, provider);
      const address = await signer.getAddress();
      await fundAddress(chain, address, { gasWei: 10n ** 17n, usdcMinor: 5_000_000n });

      const recipient = Wallet.createRandom().address;
      const usdc = new Contract(
        chain.usdcAddress,
        ['function transfer(address to, uint256 amount) returns (bool)', 'function balanceOf(address) view returns (uint256)'],
        signer,
      );
      counts.clear();
      const tx = await usdc.getFunction('transfer').send(recipient, 1_250_000n);
      const receipt = await tx.wait();

      expect(receipt?.status).toBe(1);
      expect(receipt?.from).toBe(address);
      expect((await provider.getTransaction(tx.hash))?.from).toBe(address);
      expect(await usdc.getFunction('balanceOf')(recipient)).toBe(1_250_000n);
      expect(counts.get('SignCommand')).toBe(1);
    });

    it('signs a raw transaction whose recovered sender is the KMS address', async () => {
      const signer = new KmsSigner(kms, keyId);
      const raw = await signer.signTransaction({
        to: Wallet.createRandom().address,
        value: 1n,
        nonce: 0,
        gasLimit: 21_000n,
        maxFeePerGas: 2_000_000_000n,
        maxPriorityFeePerGas: 1_000_000n,
        chainId: 31337n,
      });
      expect(Transaction.from(raw).from).toBe(await signer.getAddress());
    });

    it('refuses to sign a transaction whose from is another address', async () => {
      const signer = new KmsSigner(kms, keyId);
      await expect(signer.signTransaction({ from: Wallet.createRandom().address, to: Wallet.createRandom().address })).rejects.toThrow(
        /from address mismatch/,
      );
    });
  });
});
