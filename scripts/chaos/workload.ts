import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { Interface, Wallet, getAddress, keccak256 } from 'ethers';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { createMerchant } from '#lib/merchants/merchants.js';
import { fundAddress } from '../stack/chains.js';
import { localCredentials } from '../stack/provision.js';
import type { StackChain, StackInfo } from '../stack/types.js';
import { merchantApi, type MerchantApi } from './api.js';

/** A merchant with an API key and sandbox funds, made before any fault, as the benches make theirs. */
export async function chaosMerchant(info: StackInfo): Promise<{ merchantId: string; key: string }> {
  const aws = { region: info.region, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...aws, endpoint: info.endpoints.dynamodb });
  const kms = new KMSClient({ ...aws, endpoint: info.endpoints.kms });
  const deps = { dynamodb, kms, tableName: info.tableName, apiKeyDigestKeyId: info.keys.ApiKeyDigestKey!, stage: 'local' as const, assets: ['USDC'] };
  try {
    const created = await createMerchant(deps, { name: `chaos-${randomUUID().slice(0, 8)}` });
    await creditSandboxFunds(deps, { merchantId: created.merchant_id, asset: 'USDC', amountMinor: 10n ** 12n, transferId: `trf_fund_${randomUUID()}` });
    return { merchantId: created.merchant_id, key: created.api_key };
  } finally {
    dynamodb.destroy();
    kms.destroy();
  }
}

/** A webhook receiver that verifies each delivery's Standard Webhooks signature and records its event id. */
export async function webhookReceiver() {
  const received = new Map<string, number>();
  let badSignatures = 0;
  let verifier: Webhook | undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        verifier!.verify(Buffer.concat(chunks).toString('utf8'), request.headers as Record<string, string>);
        const id = String(request.headers['webhook-id']);
        received.set(id, (received.get(id) ?? 0) + 1);
      } catch {
        badSignatures += 1;
      }
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chaos-hooks`,
    received,
    badSignatures: () => badSignatures,
    trust(secret: string) {
      verifier = new Webhook(secret);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface WorkloadPayout {
  destination: string;
  chain: string;
  amountMinor: bigint;
  /** The payment's id, once the API answered 201. */
  id?: string;
  answer: string;
}

export interface WorkloadCharge {
  chain: string;
  amountMinor: bigint;
  id?: string;
  depositAddress?: string;
  txHash?: string;
  answer: string;
}

const erc20 = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);

/**
 * A customer's wallet on one chain that pays with transactions it signs itself, each nonce once:
 * a broadcast that gets no answer (the node frozen) is repeated with the same signed bytes until the
 * node has it, so a retry can never pay twice.
 */
export async function payer(chain: StackChain) {
  const wallet = Wallet.createRandom();
  await fundAddress(chain, wallet.address, { gasWei: 10n ** 19n, usdcMinor: 10n ** 12n });
  let nonce = 0;
  return {
    async pay(to: string, amountMinor: bigint, deadlineMs: number): Promise<string> {
      const raw = await wallet.signTransaction({
        type: 2, chainId: chain.chainId, nonce, to: chain.usdcAddress, data: erc20.encodeFunctionData('transfer', [to, amountMinor]),
        gasLimit: 100_000n, maxFeePerGas: 100n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n,
      });
      nonce += 1;
      const deadline = Date.now() + deadlineMs;
      let hash: string | undefined;
      while (hash === undefined) {
        const answer = await rpc(chain.rpcUrl, 'eth_sendRawTransaction', [raw]).catch((error: Error) => ({ error: { message: error.message } }));
        if ('result' in answer) hash = String(answer.result);
        else if (/already known|nonce too low|known transaction/i.test(answer.error.message)) hash = keccak256(raw); // a signed transaction's hash is that of its bytes
        else if (Date.now() > deadline) throw new Error(`pay-in on ${chain.name} not sent: ${answer.error.message}`);
        else await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      for (;;) {
        const receipt = await rpc(chain.rpcUrl, 'eth_getTransactionReceipt', [hash]).catch(() => undefined);
        if (receipt && 'result' in receipt && receipt.result) return hash;
        if (Date.now() > deadline) throw new Error(`pay-in ${hash} on ${chain.name} not mined in time`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
  };
}

async function rpc(url: string, method: string, params: unknown[]): Promise<{ result: unknown } | { error: { message: string } }> {
  const response = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as { result: unknown } | { error: { message: string } };
}

const randomAddress = () => getAddress(`0x${randomBytes(20).toString('hex')}`);

/**
 * The workload: a payout every `payoutEveryMs` (alternating chains, each to an address of its own)
 * and a charge every `chargeEveryMs` paid exactly by a customer on chain, for `seconds`. Returns
 * once every request it started has an answer or gave up.
 */
export async function runWorkload(options: {
  info: StackInfo; api: MerchantApi; seconds: number; payoutEveryMs: number; chargeEveryMs: number; log: (line: string) => void;
}) {
  const { info, api, seconds, log } = options;
  const payers = new Map(await Promise.all(info.chains.map(async (chain) => [chain.name, await payer(chain)] as const)));
  const payouts: WorkloadPayout[] = [];
  const charges: WorkloadCharge[] = [];
  const pending: Promise<void>[] = [];
  const startedMs = Date.now();
  const endMs = startedMs + seconds * 1000;
  // Pay-ins on a chain go one after another: the payer's nonces are in order.
  const payInQueues = new Map(info.chains.map((chain) => [chain.name, Promise.resolve()]));

  const payoutLoop = (async () => {
    for (let i = 0; Date.now() < endMs; i += 1) {
      const chain = info.chains[i % info.chains.length]!.name;
      const payout: WorkloadPayout = { destination: randomAddress(), chain, amountMinor: 1000n + BigInt(i), answer: 'no answer' };
      payouts.push(payout);
      pending.push((async () => {
        const answer = await api.call('POST', '/v1/payments', { amount: String(payout.amountMinor), asset: 'USDC', chain, destination: payout.destination });
        payout.answer = answer ? String(answer.status) : 'no answer';
        if (answer?.status === 201) payout.id = answer.body.id as string;
      })());
      await sleepUntil(startedMs + (i + 1) * options.payoutEveryMs);
    }
  })();

  const chargeLoop = (async () => {
    for (let i = 0; Date.now() < endMs; i += 1) {
      const chain = info.chains[i % info.chains.length]!;
      const charge: WorkloadCharge = { chain: chain.name, amountMinor: 2_000_000n + BigInt(i), answer: 'no answer' };
      charges.push(charge);
      pending.push((async () => {
        const answer = await api.call('POST', '/v1/charges', { amount: String(charge.amountMinor), asset: 'USDC', chains: [chain.name], expires_in: 3600 });
        charge.answer = answer ? String(answer.status) : 'no answer';
        if (answer?.status !== 201) return;
        charge.id = answer.body.id as string;
        charge.depositAddress = (answer.body.addresses as { chain: string; deposit_address: string }[]).find((a) => a.chain === chain.name)!.deposit_address;
        const previous = payInQueues.get(chain.name)!;
        const paid = previous.then(async () => {
          charge.txHash = await payers.get(chain.name)!.pay(charge.depositAddress!, charge.amountMinor, 300_000);
        }).catch((error: Error) => log(`pay-in of ${charge.id} failed: ${error.message}`));
        payInQueues.set(chain.name, paid);
        await paid;
      })());
      await sleepUntil(startedMs + (i + 1) * options.chargeEveryMs);
    }
  })();

  await Promise.all([payoutLoop, chargeLoop]);
  await Promise.all(pending);
  return { payouts, charges };
}

async function sleepUntil(atMs: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));
}
