import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { keccak256, solidityPacked, type Signature } from 'ethers';
import { attest, finalityThresholdFinalized, messageToAttest, sentMessages } from './cctp.js';
import { localProvider } from './chains.js';

/**
 * The local chains' attestation service: Circle's Iris API for CCTP V2, as documented
 * (https://developers.circle.com/api-reference/cctp/all/get-messages-v2), over the local
 * transmitters. `GET /v2/messages/{sourceDomain}?transactionHash=0x…` reads the transaction's
 * `MessageSent` logs from the source chain and answers
 * `{ messages: [{ message, eventNonce, attestation, cctpVersion, status }] }`, one per message in
 * log order; 404 while the transaction is unknown or sent none, as Iris answers before it has seen a
 * burn. A message is `pending_confirmations` (no message or attestation yet) until its block has the
 * chain's confirmations, then `complete`: the message with its nonce and executed finality filled in,
 * signed by the attester's KMS key (its private key never leaves KMS, as Circle's attesters'
 * never leave theirs). The adapter talks to this exactly as it talks to Circle on AWS.
 */
export interface AttestedChain {
  name: string;
  chainId: number;
  rpcUrl: string;
  domain: number;
  messageTransmitter: string;
  /** Blocks, the one holding the transaction included, before a message is attested (the registry's figure). */
  confirmations: number;
}

export interface Attester {
  address: string;
  signDigest(digest: string): Promise<Signature>;
}

export interface AttestationMessage {
  message: string;
  eventNonce: string;
  attestation: string;
  cctpVersion: 2;
  status: 'complete' | 'pending_confirmations';
}

export interface AttestationService {
  url: string;
  close(): Promise<void>;
}

/**
 * The nonce Iris gives a message: unique per message and the same on every request, so polling
 * twice yields one message (and the transmitter mints it once). Here: the hash of where the message
 * was sent, its source domain, transaction and log index.
 */
export function messageNonce(sourceDomain: number, txHash: string, logIndex: number): string {
  return keccak256(solidityPacked(['uint32', 'bytes32', 'uint256'], [sourceDomain, txHash, logIndex]));
}

/** The messages a source transaction sent, attested once final; undefined when there are none (a 404). */
export async function transactionMessages(chain: AttestedChain, txHash: string, attester: Attester): Promise<AttestationMessage[] | undefined> {
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const receipt = await provider.getTransactionReceipt(txHash);
    if (!receipt || receipt.status !== 1) return undefined;
    const sent = sentMessages(receipt, chain.messageTransmitter);
    if (sent.length === 0) return undefined;
    const head = await provider.getBlockNumber();
    const final = head - receipt.blockNumber + 1 >= Math.max(chain.confirmations, 1);
    return await Promise.all(sent.map(async ({ message, logIndex }) => {
      const eventNonce = messageNonce(chain.domain, txHash, logIndex);
      if (!final) return { message: '0x', eventNonce, attestation: 'PENDING', cctpVersion: 2 as const, status: 'pending_confirmations' as const };
      const attested = messageToAttest(message, eventNonce, finalityThresholdFinalized);
      return { message: attested, eventNonce, attestation: await attest(attested, [attester]), cctpVersion: 2 as const, status: 'complete' as const };
    }));
  } finally {
    provider.destroy();
  }
}

/** Starts the service on `port` of loopback (0: any free port). */
export async function startAttestationService(options: { port: number; chains: AttestedChain[]; attester: Attester; log?: (line: string) => void }): Promise<AttestationService> {
  const byDomain = new Map(options.chains.map((chain) => [chain.domain, chain]));
  const server = http.createServer((request, response) => {
    const reply = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = /^\/v2\/messages\/(\d+)$/.exec(url.pathname);
    const txHash = url.searchParams.get('transactionHash') ?? '';
    if (request.method !== 'GET' || !path) return void reply(404, { error: 'Not found' });
    if (!/^0x[0-9a-fA-F]{64}$/.test(txHash)) return void reply(400, { error: 'transactionHash must be a 32-byte hex hash' });
    const chain = byDomain.get(Number(path[1]));
    if (!chain) return void reply(404, { error: 'Message not found' });
    transactionMessages(chain, txHash, options.attester).then(
      (messages) => (messages ? reply(200, { messages }) : reply(404, { error: 'Message not found' })),
      (error: unknown) => {
        options.log?.(`attestation service: ${chain.name} ${txHash}: ${(error as Error).message}`);
        reply(503, { error: 'Source chain unavailable' });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
