import { KMSClient } from '@aws-sdk/client-kms';
import { Wallet } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { BroadcastRefusedError } from '../../../lib/chains/errors.js';
import { EvmAdapter } from '../../../lib/chains/evm-adapter.js';
import type { Chain } from '../../../lib/chains/registry.js';
import { startScriptedServer } from '../../support/scripted-server.js';

type Node = Awaited<ReturnType<typeof startScriptedServer>>;
let node: Node | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const chainOn = (url: string) => ({
  name: 'c', chainId: 31337, rpcUrls: [url], confirmations: 1, fees: { type: 'legacy', gasPriceWei: '1' }, hotWalletKeyId: 'k', ownAddresses: [], refillLeadTimeHours: 6,
  assets: [{ symbol: 'ETH', address: 'native', decimals: 18 }],
}) satisfies Chain;

describe('EvmAdapter.broadcastInOrder', () => {
  it('sends a batch of signed transactions in one JSON-RPC request in nonce order and reads each answer as a single broadcast would', async () => {
    const wallet = new Wallet(`0x${'11'.repeat(32)}`);
    const raws = await Promise.all([0, 1, 2, 3].map((nonce) => wallet.signTransaction({ to: wallet.address, value: 1n, nonce, gasLimit: 21_000n, gasPrice: 1n, chainId: 31337n })));
    const messages = [undefined, 'nonce too low', 'replacement transaction underpriced', 'intrinsic gas too low'];
    node = await startScriptedServer((request) => {
      const body = JSON.parse(request.body) as { id: number; method: string }[] | { id: number; method: string };
      if (!Array.isArray(body)) return { status: 200, body: { jsonrpc: '2.0', id: body.id, result: null } }; // eth_getTransactionByHash: not known
      return { status: 200, body: body.map((call, i) => (messages[i] ? { jsonrpc: '2.0', id: call.id, error: { code: -32000, message: messages[i] } } : { jsonrpc: '2.0', id: call.id, result: '0x01' })) };
    });
    const adapter = new EvmAdapter(chainOn(node.baseUrl), new KMSClient({ region: 'us-east-1' }));

    const answers = await adapter.broadcastInOrder(raws);

    const batch = JSON.parse(node.requests[0]!.body) as { method: string; params: string[] }[];
    expect(batch.map((call) => call.method)).toEqual(Array(4).fill('eth_sendRawTransaction'));
    expect(batch.map((call) => call.params[0])).toEqual(raws);
    expect(answers.slice(0, 3)).toEqual(['accepted', 'nonce_used', 'underpriced']);
    expect(answers[3]).toBeInstanceOf(BroadcastRefusedError);
    expect(node.requests).toHaveLength(2); // the batch, then the look-up of the refused one
  }, 20_000);
});
