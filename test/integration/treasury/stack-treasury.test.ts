import { Contract, JsonRpcSigner, Wallet, zeroPadValue } from 'ethers';
import { describe, expect, it } from 'vitest';
import { KmsSigner } from '#chains';
import { safeAbi } from '#lib/treasury/safe/safe-tx.js';
import { startAttestationService, type AttestationMessage } from '../../../scripts/stack/attestation.js';
import { addressToBytes32, finalityThresholdFinalized } from '../../../scripts/stack/cctp.js';
import { DEPLOYER_ADDRESS, fundAddress, localProvider, minedReceipt } from '../../../scripts/stack/chains.js';
import { chainByName, usdcBalance } from '../../support/chain.js';
import { clients } from '../../support/deps.js';
import { stack } from '../../support/stack.js';

// The treasury the stack deploys at start (scripts/stack/treasury.ts): a Safe per chain with the
// owners and threshold StackInfo names, and CCTP between the chains attested by the stack's own
// attestation service, as Circle's would on AWS.
const transmitterAbi = ['function receiveMessage(bytes message, bytes attestation) returns (bool)'];
const messengerAbi = ['function depositForBurn(uint256 amount, uint32 destinationDomain, bytes32 mintRecipient, address burnToken, bytes32 destinationCaller, uint256 maxFee, uint32 minFinalityThreshold)'];
const usdcAbi = ['function approve(address spender, uint256 amount) returns (bool)'];
const zeroBytes32 = zeroPadValue('0x', 32);

/** Burns `amount` on local-a for `recipient` on local-b, from a depositor of the test's own; returns the burn's and the approval's hashes. */
async function burnOnA(amount: bigint, recipient: string): Promise<{ burn: string; approval: string }> {
  const chain = chainByName('local-a');
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const depositor = Wallet.createRandom().connect(provider);
    await fundAddress(chain, depositor.address, { gasWei: 10n ** 17n, usdcMinor: amount });
    const approval = (await new Contract(chain.usdcAddress, usdcAbi, depositor).getFunction('approve').send(chain.cctp.tokenMessenger, amount)).hash;
    await minedReceipt(provider, approval);
    const burn = await new Contract(chain.cctp.tokenMessenger, messengerAbi, depositor).getFunction('depositForBurn')
      .send(amount, chainByName('local-b').cctp.domain, addressToBytes32(recipient), chain.usdcAddress, zeroBytes32, 0n, finalityThresholdFinalized);
    await minedReceipt(provider, burn.hash);
    return { burn: burn.hash, approval };
  } finally {
    provider.destroy();
  }
}

/** One request to an attestation service, as the treasury's adapter sends it to Circle's. */
async function messagesOf(baseUrl: string, domain: number, txHash: string): Promise<{ status: number; messages?: AttestationMessage[] }> {
  const response = await fetch(`${baseUrl}/v2/messages/${domain}?transactionHash=${txHash}`);
  const body = (await response.json()) as { messages?: AttestationMessage[] };
  return { status: response.status, messages: body.messages };
}

async function completed(baseUrl: string, domain: number, txHash: string, deadlineMs = 60_000): Promise<AttestationMessage> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { messages } = await messagesOf(baseUrl, domain, txHash);
    if (messages?.length === 1 && messages[0]!.status === 'complete') return messages[0]!;
    if (Date.now() > deadline) throw new Error(`no complete attestation for ${txHash} within ${deadlineMs} ms (last: ${JSON.stringify(messages)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function receiveOnB(message: string, attestation: string): Promise<void> {
  const chain = chainByName('local-b');
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const transmitter = new Contract(chain.cctp.messageTransmitter, transmitterAbi, new JsonRpcSigner(provider, DEPLOYER_ADDRESS));
    // Estimated first: a refusal comes back with its reason instead of as a mined revert.
    await transmitter.getFunction('receiveMessage').estimateGas(message, attestation);
    await minedReceipt(provider, (await transmitter.getFunction('receiveMessage').send(message, attestation)).hash);
  } finally {
    provider.destroy();
  }
}

describe('the treasury of the started stack', () => {
  it.each(['local-a', 'local-b'])('has on %s a Safe whose owners and threshold, read from the chain, are those StackInfo names, each its KMS key\'s address', async (name) => {
    const chain = chainByName(name);
    const provider = localProvider(chain.rpcUrl, chain.chainId);
    try {
      const safe = new Contract(chain.treasury.safe, safeAbi, provider);
      const owners = (await safe.getFunction('getOwners')()) as string[];
      expect([...owners].sort()).toEqual(chain.treasury.owners.map((owner) => owner.address).sort());
      expect(await safe.getFunction('getThreshold')()).toBe(BigInt(chain.treasury.threshold));
      expect(chain.treasury.threshold).toBe(2);
      expect(chain.treasury.owners.map((owner) => owner.index)).toEqual([1, 2, 3]);
      for (const owner of chain.treasury.owners) {
        expect(owner.keyAlias).toBe(`alias/lanepay-local-treasury-owner-${owner.index}`);
        expect(await new KmsSigner(clients().kms, owner.keyAlias).getAddress()).toBe(owner.address);
      }
    } finally {
      provider.destroy();
    }
  });

  it('burns on local-a, has the burn attested by the stack\'s service, mints exactly the amount on local-b once, and refuses the message a second time', async () => {
    const a = chainByName('local-a');
    const recipient = Wallet.createRandom().address;
    const { burn, approval } = await burnOnA(3_000_000n, recipient);
    // A transaction that sent no message, and one of another chain's domain, are unknown to the service (Iris answers 404).
    expect((await messagesOf(a.cctp.attestationUrl, a.cctp.domain, approval)).status).toBe(404);
    expect((await messagesOf(a.cctp.attestationUrl, chainByName('local-b').cctp.domain, burn)).status).toBe(404);

    const attested = await completed(a.cctp.attestationUrl, a.cctp.domain, burn);
    expect(attested.cctpVersion).toBe(2);
    expect(attested.attestation).toMatch(/^0x[0-9a-f]{130}$/);
    await receiveOnB(attested.message, attested.attestation);
    expect(await usdcBalance('local-b', recipient)).toBe(3_000_000n);

    await expect(receiveOnB(attested.message, attested.attestation)).rejects.toThrow(/Nonce already used/);
    // Asked again, the service attests the same message (same nonce), which the transmitter refuses as well.
    const again = await completed(a.cctp.attestationUrl, a.cctp.domain, burn);
    expect(again.eventNonce).toBe(attested.eventNonce);
    expect(again.message).toBe(attested.message);
    await expect(receiveOnB(again.message, again.attestation)).rejects.toThrow(/Nonce already used/);
    expect(await usdcBalance('local-b', recipient)).toBe(3_000_000n);
  });

  it('answers pending_confirmations, without message or attestation, until the burn\'s block has the chain\'s confirmations, then complete', async () => {
    // A service of the test's own over the same chains and attester key, asking 5 confirmations
    // where the stack's asks the registry's 1 (a block a second: about four seconds of pending).
    const a = chainByName('local-a');
    const attesterKey = new KmsSigner(clients().kms, stack().cctpAttester.keyAlias);
    const service = await startAttestationService({
      port: 0,
      attester: { address: await attesterKey.getAddress(), signDigest: (digest) => attesterKey.signDigest(digest) },
      chains: [{ name: a.name, chainId: a.chainId, rpcUrl: a.rpcUrl, domain: a.cctp.domain, messageTransmitter: a.cctp.messageTransmitter, confirmations: 5 }],
    });
    try {
      const recipient = Wallet.createRandom().address;
      const { burn } = await burnOnA(1_000_000n, recipient);
      const pending = await messagesOf(service.url, a.cctp.domain, burn);
      expect(pending.status).toBe(200);
      expect(pending.messages).toEqual([{ message: '0x', eventNonce: expect.stringMatching(/^0x[0-9a-f]{64}$/), attestation: 'PENDING', cctpVersion: 2, status: 'pending_confirmations' }]);

      const attested = await completed(service.url, a.cctp.domain, burn);
      expect(attested.eventNonce).toBe(pending.messages![0]!.eventNonce);
      await receiveOnB(attested.message, attested.attestation);
      expect(await usdcBalance('local-b', recipient)).toBe(1_000_000n);
    } finally {
      await service.close();
    }
  });
});
