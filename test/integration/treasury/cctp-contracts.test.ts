import { Contract, id, JsonRpcSigner, keccak256, toBeHex, Wallet } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { KmsSigner } from '#chains';
import { addressToBytes32, attest, deployCctp, finalityThresholdFinalized, messageToAttest, sentMessages, type CctpDeployment } from '../../../scripts/stack/cctp.js';
import { DEPLOYER_ADDRESS, fundAddress, localProvider, minedReceipt } from '../../../scripts/stack/chains.js';
import { chainByName, usdcBalance } from '../../support/chain.js';
import { clients } from '../../support/deps.js';
import { newHotWalletKey } from '../../support/isolated.js';

// The local CCTP V2 contracts (contracts/cctp) on the suite's two chains: a burn on one mints on the
// other only with an attestation of enabled attesters, once, and only for a burn by a known messenger.
const domains = { 'local-a': 100, 'local-b': 101 } as const;
const transmitterAbi = [
  'function receiveMessage(bytes message, bytes attestation) returns (bool)',
  'function sendMessage(uint32 destinationDomain, bytes32 recipient, bytes32 destinationCaller, uint32 minFinalityThreshold, bytes messageBody)',
  'function usedNonces(bytes32) view returns (uint256)',
];
const messengerAbi = ['function depositForBurn(uint256 amount, uint32 destinationDomain, bytes32 mintRecipient, address burnToken, bytes32 destinationCaller, uint256 maxFee, uint32 minFinalityThreshold)'];
const usdcAbi = ['function approve(address spender, uint256 amount) returns (bool)'];
const transferTopic = id('Transfer(address,address,uint256)');

type Attester = { address: string; signDigest: KmsSigner['signDigest'] };
let deployments: Record<'local-a' | 'local-b', CctpDeployment>;
let attester: Attester;

async function kmsAttester(): Promise<Attester> {
  const signer = new KmsSigner(clients().kms, await newHotWalletKey());
  return { address: await signer.getAddress(), signDigest: (digest) => signer.signDigest(digest) };
}

/** Burns `amount` on local-a for `recipient` on local-b, from a depositor of the test's own; returns the sent message and where. */
async function burnOnA(amount: bigint, recipient: string): Promise<{ message: string; txHash: string; logIndex: number; burned: bigint; depositor: string }> {
  const chain = chainByName('local-a');
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const depositor = Wallet.createRandom().connect(provider);
    await fundAddress(chain, depositor.address, { gasWei: 10n ** 17n, usdcMinor: amount });
    await minedReceipt(provider, (await new Contract(chain.usdcAddress, usdcAbi, depositor).getFunction('approve').send(deployments['local-a'].tokenMessenger, amount)).hash);
    const burn = await new Contract(deployments['local-a'].tokenMessenger, messengerAbi, depositor).getFunction('depositForBurn')
      .send(amount, domains['local-b'], addressToBytes32(recipient), chain.usdcAddress, addressToBytes32('0x0000000000000000000000000000000000000000'), 0n, finalityThresholdFinalized);
    const receipt = await minedReceipt(provider, burn.hash);
    const [sent] = sentMessages(receipt, deployments['local-a'].messageTransmitter);
    // What the token says left the world in that transaction: Transfer(messenger → 0x0).
    const burned = receipt.logs
      .filter((log) => log.address.toLowerCase() === chain.usdcAddress.toLowerCase() && log.topics[0] === transferTopic
        && BigInt(log.topics[1]!) === BigInt(deployments['local-a'].tokenMessenger) && BigInt(log.topics[2]!) === 0n)
      .reduce((sum, log) => sum + BigInt(log.data), 0n);
    return { message: sent!.message, txHash: burn.hash, logIndex: sent!.logIndex, burned, depositor: depositor.address };
  } finally {
    provider.destroy();
  }
}

/** As the attestation service: a nonce of the source transaction's own, finalized, signed by `signers`. */
async function attested(sent: { message: string; txHash: string; logIndex: number }, signers: Attester[]): Promise<{ message: string; attestation: string }> {
  const nonce = keccak256(toBeHex(BigInt(sent.txHash) ^ BigInt(sent.logIndex), 32));
  const message = messageToAttest(sent.message, nonce, finalityThresholdFinalized);
  return { message, attestation: await attest(message, signers) };
}

async function receiveOnB(message: string, attestation: string): Promise<void> {
  const chain = chainByName('local-b');
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const transmitter = new Contract(deployments['local-b'].messageTransmitter, transmitterAbi, new JsonRpcSigner(provider, DEPLOYER_ADDRESS));
    // Estimated first: a refusal comes back with its reason instead of as a mined revert.
    await transmitter.getFunction('receiveMessage').estimateGas(message, attestation);
    await minedReceipt(provider, (await transmitter.getFunction('receiveMessage').send(message, attestation)).hash);
  } finally {
    provider.destroy();
  }
}

beforeAll(async () => {
  attester = await kmsAttester();
  const chains = (['local-a', 'local-b'] as const).map((name) => ({ ...chainByName(name), domain: domains[name] }));
  const deployed = await deployCctp(chains, [attester.address], 1);
  deployments = { 'local-a': deployed[0]!, 'local-b': deployed[1]! };
}, 120_000);

describe('local CCTP V2 contracts', () => {
  it('burns on the source and mints the same amount on the destination for an attested message, once', async () => {
    const recipient = Wallet.createRandom().address;
    const sent = await burnOnA(2_500_000n, recipient);
    expect(sent.burned).toBe(2_500_000n);
    expect(await usdcBalance('local-a', sent.depositor)).toBe(0n);
    expect(await usdcBalance('local-a', deployments['local-a'].tokenMessenger)).toBe(0n);
    const { message, attestation } = await attested(sent, [attester]);
    await receiveOnB(message, attestation);
    expect(await usdcBalance('local-b', recipient)).toBe(2_500_000n);

    await expect(receiveOnB(message, attestation)).rejects.toThrow(/Nonce already used/);
    expect(await usdcBalance('local-b', recipient)).toBe(2_500_000n);
  });

  it('refuses a message attested by a key that is not an attester, and one changed after it was attested', async () => {
    const recipient = Wallet.createRandom().address;
    const sent = await burnOnA(1_000_000n, recipient);
    const forged = await attested(sent, [await kmsAttester()]);
    await expect(receiveOnB(forged.message, forged.attestation)).rejects.toThrow(/Invalid signature: not attester/);

    const genuine = await attested(sent, [attester]);
    const raised = genuine.message.slice(0, 2 + 2 * (148 + 68)) + toBeHex(1_000_000_000n, 32).slice(2) + genuine.message.slice(2 + 2 * (148 + 100));
    await expect(receiveOnB(raised, genuine.attestation)).rejects.toThrow(/Invalid signature: not attester/);
    expect(await usdcBalance('local-b', recipient)).toBe(0n);
  });

  it('mints nothing for a burn message sent by anyone but the source messenger, even attested', async () => {
    const chain = chainByName('local-a');
    const provider = localProvider(chain.rpcUrl, chain.chainId);
    const thief = Wallet.createRandom().address;
    try {
      // The attestation service attests every message a transmitter sent; the sender is what tells a burn.
      const attacker = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
      const body = '0x' + toBeHex(1, 4).slice(2) + addressToBytes32(chain.usdcAddress).slice(2) + addressToBytes32(thief).slice(2)
        + toBeHex(5_000_000n, 32).slice(2) + addressToBytes32(thief).slice(2) + toBeHex(0, 32).slice(2).repeat(3);
      const send = await new Contract(deployments['local-a'].messageTransmitter, transmitterAbi, attacker).getFunction('sendMessage')
        .send(domains['local-b'], addressToBytes32(deployments['local-b'].tokenMessenger), addressToBytes32('0x0000000000000000000000000000000000000000'), finalityThresholdFinalized, body);
      const [sent] = sentMessages(await minedReceipt(provider, send.hash), deployments['local-a'].messageTransmitter);
      const { message, attestation } = await attested({ message: sent!.message, txHash: send.hash, logIndex: sent!.logIndex }, [attester]);
      await expect(receiveOnB(message, attestation)).rejects.toThrow(/Remote TokenMessenger unsupported/);
    } finally {
      provider.destroy();
    }
    expect(await usdcBalance('local-b', thief)).toBe(0n);
  });
});
