import { dataSlice, getAddress, Interface, zeroPadValue, type TransactionReceipt } from 'ethers';
import * as z from 'zod';

/**
 * CCTP V2 as the treasury uses it, from Circle's documented interfaces: TokenMessengerV2
 * `depositForBurn`, MessageTransmitterV2 `MessageSent` / `receiveMessage` / `usedNonces`, and the
 * attestation API's `GET /v2/messages/{sourceDomain}?transactionHash=`. The same code talks to
 * Circle's contracts and Iris on AWS and to the local stack's own (contracts/cctp) locally.
 */
const erc20 = new Interface(['function approve(address spender, uint256 amount) returns (bool)']);
const tokenMessenger = new Interface([
  'function depositForBurn(uint256 amount, uint32 destinationDomain, bytes32 mintRecipient, address burnToken, bytes32 destinationCaller, uint256 maxFee, uint32 minFinalityThreshold)',
]);
export const messageTransmitterAbi = [
  'event MessageSent(bytes message)',
  'function receiveMessage(bytes message, bytes attestation) returns (bool)',
  'function usedNonces(bytes32 nonce) view returns (uint256)',
];
const transmitter = new Interface(messageTransmitterAbi);

/** A standard (finalized) transfer: Circle charges no fee for it, so the maximum fee is 0. */
export const finalizedThreshold = 2000;

/**
 * The Safe's two calls of a burn: approve exactly the amount to the messenger, then burn it towards
 * `mintRecipient` on the destination domain, relayed there by `destinationCaller` only.
 */
export function burnCalls(input: { usdc: string; tokenMessenger: string; amountMinor: bigint; destinationDomain: number; mintRecipient: string; destinationCaller: string }): { to: string; data: string }[] {
  return [
    { to: getAddress(input.usdc), data: erc20.encodeFunctionData('approve', [getAddress(input.tokenMessenger), input.amountMinor]) },
    {
      to: getAddress(input.tokenMessenger),
      data: tokenMessenger.encodeFunctionData('depositForBurn', [
        input.amountMinor, input.destinationDomain, zeroPadValue(getAddress(input.mintRecipient), 32), getAddress(input.usdc), zeroPadValue(getAddress(input.destinationCaller), 32), 0n, finalizedThreshold,
      ]),
    },
  ];
}

/** The CCTP messages a transaction sent through `messageTransmitter`, in log order. */
export function sentMessages(receipt: Pick<TransactionReceipt, 'logs'>, messageTransmitter: string): string[] {
  const topic = transmitter.getEvent('MessageSent')!.topicHash;
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === messageTransmitter.toLowerCase() && log.topics[0] === topic)
    .map((log) => transmitter.decodeEventLog('MessageSent', log.data, log.topics)[0] as string);
}

/** The message's nonce (header bytes 12–43), filled in by the attestation service: what the destination marks used. */
export function messageNonce(message: string): string {
  return dataSlice(message, 12, 44);
}

export function receiveMessageData(message: string, attestation: string): string {
  return transmitter.encodeFunctionData('receiveMessage', [message, attestation]);
}

const attestationResponseSchema = z.object({
  messages: z.array(z.object({
    message: z.string(),
    attestation: z.string(),
    status: z.string(),
  })),
});

export type AttestationLookup = { status: 'complete'; message: string; attestation: string } | { status: 'pending' };

/**
 * The attestation of the burn `txHash` sent from `sourceDomain`: `pending` while the service has not
 * seen it (404) or waits for confirmations; a service error (5xx, a broken body) throws, and the
 * caller tries again later.
 */
export async function lookupAttestation(fetcher: typeof fetch, attestationApi: string, sourceDomain: number, txHash: string): Promise<AttestationLookup> {
  const response = await fetcher(`${attestationApi.replace(/\/+$/, '')}/v2/messages/${sourceDomain}?transactionHash=${txHash}`, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return { status: 'pending' };
  if (!response.ok) throw new Error(`attestation service answered ${response.status} for ${txHash}`);
  const [first] = attestationResponseSchema.parse(await response.json()).messages;
  if (!first || first.status !== 'complete') return { status: 'pending' };
  return { status: 'complete', message: first.message, attestation: first.attestation };
}
