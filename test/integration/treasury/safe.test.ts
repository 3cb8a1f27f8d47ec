import { concat, Contract, JsonRpcSigner, Wallet } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { KmsSigner } from '#chains';
import { execTransactionArgs, packSignatures, safeAbi, safeTxHash, tokenTransfer, type SafeTransaction } from '#lib/treasury/safe/safe-tx.js';
import { DEPLOYER_ADDRESS, fundAddress, localProvider, minedReceipt } from '../../../scripts/stack/chains.js';
import { createSafe, deploySafeInfrastructure } from '../../../scripts/stack/safe.js';
import { chainByName, usdcBalance } from '../../support/chain.js';
import { clients } from '../../support/deps.js';
import { newHotWalletKey } from '../../support/isolated.js';

// A treasury Safe (Safe Smart Account 1.5.0) whose three owners are KMS keys, two of which must sign:
// no single key moves its funds.
const chain = chainByName('local-a');
let safe: string;
let owners: KmsSigner[];

async function kmsOwner(): Promise<KmsSigner> {
  const signer = new KmsSigner(clients().kms, await newHotWalletKey());
  await signer.getAddress();
  return signer;
}

async function signedBy(tx: SafeTransaction, signers: KmsSigner[]): Promise<string> {
  const hash = safeTxHash(chain.chainId, safe, tx);
  return packSignatures(await Promise.all(signers.map(async (signer) => ({ owner: await signer.getAddress(), signature: await signer.signDigest(hash) }))));
}

/** Executes as anyone may (here the node's account, paying the gas); a refusal comes back with the Safe's GS code. */
async function execute(tx: SafeTransaction, signatures: string): Promise<void> {
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const contract = new Contract(safe, safeAbi, new JsonRpcSigner(provider, DEPLOYER_ADDRESS));
    await contract.getFunction('execTransaction').estimateGas(...execTransactionArgs(tx, signatures));
    await minedReceipt(provider, (await contract.getFunction('execTransaction').send(...execTransactionArgs(tx, signatures))).hash);
  } finally {
    provider.destroy();
  }
}

async function safeNonce(): Promise<bigint> {
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    return (await new Contract(safe, safeAbi, provider).getFunction('nonce')()) as bigint;
  } finally {
    provider.destroy();
  }
}

beforeAll(async () => {
  owners = await Promise.all([kmsOwner(), kmsOwner(), kmsOwner()]);
  const infrastructure = await deploySafeInfrastructure(chain);
  safe = await createSafe(chain, infrastructure, await Promise.all(owners.map((o) => o.getAddress())), 2, BigInt(Date.now()));
  await fundAddress(chain, safe, { gasWei: 0n, usdcMinor: 10_000_000n });
}, 120_000);

describe('a treasury Safe with three KMS owners and a threshold of two', () => {
  it('is set up with the three owner keys and a threshold of two, and hashes a transaction as the Safe does', async () => {
    const provider = localProvider(chain.rpcUrl, chain.chainId);
    try {
      const contract = new Contract(safe, safeAbi, provider);
      expect(((await contract.getFunction('getOwners')()) as string[]).map((a) => a.toLowerCase()).sort())
        .toEqual((await Promise.all(owners.map((o) => o.getAddress()))).map((a) => a.toLowerCase()).sort());
      expect(await contract.getFunction('getThreshold')()).toBe(2n);
      const tx = tokenTransfer(chain.usdcAddress, Wallet.createRandom().address, 1n, 7n);
      const onChain = await contract.getFunction('getTransactionHash')(tx.to, tx.value, tx.data, tx.operation, tx.safeTxGas, tx.baseGas, tx.gasPrice, tx.gasToken, tx.refundReceiver, tx.nonce);
      expect(safeTxHash(chain.chainId, safe, tx)).toBe(onChain);
    } finally {
      provider.destroy();
    }
  });

  it('moves nothing with one owner\'s signature, moves the funds with two, and refuses the same signatures again', async () => {
    const recipient = Wallet.createRandom().address;
    const tx = tokenTransfer(chain.usdcAddress, recipient, 1_500_000n, await safeNonce());

    await expect(execute(tx, await signedBy(tx, [owners[0]!]))).rejects.toThrow(/GS020/);
    expect(await usdcBalance('local-a', recipient)).toBe(0n);

    const twoOwners = await signedBy(tx, [owners[2]!, owners[0]!]);
    await execute(tx, twoOwners);
    expect(await usdcBalance('local-a', recipient)).toBe(1_500_000n);
    expect(await safeNonce()).toBe(tx.nonce + 1n);

    // The Safe's nonce moved on: the same signatures now recover to no owner.
    await expect(execute(tx, twoOwners)).rejects.toThrow(/GS026/);
    expect(await usdcBalance('local-a', recipient)).toBe(1_500_000n);
  });

  it('refuses two signatures when one is from a key that is not an owner, or is one owner\'s twice', async () => {
    const recipient = Wallet.createRandom().address;
    const tx = tokenTransfer(chain.usdcAddress, recipient, 1_000_000n, await safeNonce());
    await expect(execute(tx, await signedBy(tx, [owners[1]!, await kmsOwner()]))).rejects.toThrow(/GS026/);

    const once = await signedBy(tx, [owners[1]!]);
    expect(() => packSignatures([{ owner: '0x01', signature: {} as never }, { owner: '0x1', signature: {} as never }])).toThrow(/signed twice/);
    await expect(execute(tx, concat([once, once]))).rejects.toThrow(/GS026/);
    expect(await usdcBalance('local-a', recipient)).toBe(0n);
  });
});
