// `npm run bench:deposits`: (1) block-to-charge.succeeded latency (p50, p99) with the watcher polling
// as chain-watch does locally (every second, confirmations as the local registry: 1), and (2) RPC
// calls per block scanned and the time of a pass with 10, 1,000, 10,000 and 100,000 open charges
// (the goal: both flat, a pass under 250 ms). Starts its own stack; LANEPAY_BENCH_PORT_BASE moves
// its ports (default 7700), LANEPAY_BENCH_DEPOSITS sets the latency sample (default 40),
// LANEPAY_BENCH_OPEN_CHARGES the sizes (default 10,1000,10000,100000). The watched addresses beyond
// the paid charges are written straight into the table (their deposit-address items, what the
// watcher looks recipients up in), since opening 100,000 charges through the API would only
// measure the emulator.
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, NonceManager, Wallet, type JsonRpcProvider } from 'ethers';
import { FailoverRpc } from '#lib/chains/rpc.js';
import { createMerchant, getMerchantProfile } from '#lib/merchants/merchants.js';
import { depositAddress } from '#lib/money/charges/addresses.js';
import { createCharge } from '#lib/money/charges/create.js';
import { depositAddressItem, watchForever } from '#lib/money/charges/items.js';
import { readChargeRecord } from '#lib/money/charges/query.js';
import { watchChain, type WatchDeps } from '#lib/money/charges/watch.js';
import { listEvents } from '#lib/notify/events/query.js';
import { retryTransactionConflicts } from '#lib/platform/aws/transaction-conflicts.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import { fundAddress, localProvider } from '../scripts/stack/chains.js';
import { localCredentials } from '../scripts/stack/provision.js';
import { localChainRegistry } from '../scripts/stack/registry.js';
import { startStack, type RunningStack } from '../scripts/stack/stack.js';
import { createTableLike } from '../scripts/stack/tables.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const chainName = 'local-a';
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'deposits.json');
const log = (line: string) => console.error(`  ${line}`);

/** Counts every RPC request the watcher makes (FailoverRpc sends one request per call: batchMaxCount 1). */
class CountingRpc extends FailoverRpc {
  calls = 0;
  override call<T>(operation: (provider: JsonRpcProvider) => Promise<T>): Promise<T> {
    this.calls += 1;
    return super.call(operation);
  }
}

let running: RunningStack | undefined;
let runDir: string | undefined;
try {
  const portBase = Number(process.env.LANEPAY_BENCH_PORT_BASE ?? 7700);
  const samples = Number(process.env.LANEPAY_BENCH_DEPOSITS ?? 40);
  const sizes = (process.env.LANEPAY_BENCH_OPEN_CHARGES ?? '10,1000,10000,100000').split(',').map(Number);
  runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-bench-'));
  console.error(`Starting a stack on ports ${portBase}… (logs in ${runDir})`);
  running = await startStack({ portBase, runDir, watch: false, log });
  const info = running.info;
  const dynamodb = retryTransactionConflicts(new DynamoDBClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb, maxAttempts: 8 }));
  const tableName = await createTableLike(dynamodb, info.tableName, `lanepay-bench-${randomUUID().slice(0, 8)}`);
  const chains = localChainRegistry(info.chains);
  const chain = chains.get(chainName)!;
  const stackChain = info.chains.find((c) => c.name === chainName)!;
  const rpc = new CountingRpc(chain.name, chain.chainId, chain.rpcUrls);
  const watch: WatchDeps = { dynamodb, tableName, chains, rpc: () => rpc, now: () => new Date(), maxBlocksPerQuery: 500, initialLookbackBlocks: 0 };
  const kms = new KMSClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.kms });
  const created = await createMerchant({ dynamodb, kms, tableName, apiKeyDigestKeyId: info.keys.ApiKeyDigestKey!, stage: 'local', assets: ['USDC'] }, { name: 'bench-deposits' });
  const merchant = await getMerchantProfile({ dynamodb, tableName }, created.merchant_id);
  const chargeDeps = { dynamodb, tableName, chains, checkoutBaseUrl: `${info.apiUrl}/checkout`, now: () => new Date() };
  const open = async () => (await createCharge(chargeDeps, { merchant, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('x', randomUUID()), body: { asset: 'USDC', amount: '1000000', chains: [chainName] } })).charge;

  const provider = localProvider(chain.rpcUrls[0]!, chain.chainId);
  const wallet = Wallet.createRandom().connect(provider);
  await fundAddress(stackChain, wallet.address, { gasWei: 10n ** 19n, usdcMinor: 10n ** 12n });
  const usdc = new Contract(stackChain.usdcAddress, ['function transfer(address to, uint256 amount) returns (bool)'], new NonceManager(wallet));

  // Blocks as the bench sees them appear: the reference for "block to charge.succeeded".
  const firstSeen = new Map<number, number>();
  let watching = true;
  const blockClock = (async () => {
    while (watching) {
      const n = await provider.getBlockNumber();
      if (!firstSeen.has(n)) firstSeen.set(n, Date.now());
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  // The watcher as chain-watch runs it locally: a pass every second.
  const watcher = (async () => {
    while (watching) {
      await watchChain(watch, chainName);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();

  console.error(`(1) latency: ${samples} charges paid one after another…`);
  const latencies: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const charge = await open();
    const tx = await usdc.getFunction('transfer').send(charge.addresses[0]!.deposit_address, 1_000_000n);
    const receipt = (await tx.wait())!;
    const event = await waitForSucceeded(dynamodb, tableName, merchant.id, charge.id);
    const minedAt = firstSeen.get(receipt.blockNumber) ?? Date.now();
    latencies.push(Date.parse(event) - minedAt);
  }
  watching = false;
  await Promise.all([watcher, blockClock]);

  console.error(`(2) RPC calls per block and pass time with ${sizes.join(', ')} open charges…`);
  // Same traffic for each size: 5 charges paid in 5 consecutive-ish blocks, then passes until all
  // are credited; the calls are divided by the blocks those passes scanned.
  const perBlock: Record<string, { blocks: number; calls: number; perBlock: number; passes: number; passMs: number; maxPassMs: number; quietPassMs: number; maxQuietPassMs: number }> = {};
  let watchedSoFar = 0;
  for (const openCharges of sizes) {
    const began = Date.now();
    await addWatched(dynamodb, tableName, chainName, merchant.id, openCharges - watchedSoFar - 5);
    log(`${openCharges} open charges written in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    watchedSoFar = openCharges - 5;
    const paid = await Promise.all(Array.from({ length: 5 }, () => open()));
    await watchChain(watch, chainName); // cursor at the head
    const startHead = await provider.getBlockNumber();
    for (const charge of paid) await (await usdc.getFunction('transfer').send(charge.addresses[0]!.deposit_address, 1_000_000n)).wait();
    rpc.calls = 0;
    let passes = 0;
    let passMsTotal = 0;
    let maxPassMs = 0;
    for (;;) {
      const passBegan = Date.now();
      const report = await watchChain(watch, chainName);
      const passMs = Date.now() - passBegan;
      passMsTotal += passMs;
      maxPassMs = Math.max(maxPassMs, passMs);
      passes += 1;
      const charges = await Promise.all(paid.map((c) => readChargeRecord({ dynamodb, tableName }, c.id)));
      if (charges.every((c) => c?.charge.status === 'succeeded')) {
        const blocks = report.head - startHead;
        perBlock[String(openCharges)] = { blocks, calls: rpc.calls, perBlock: rpc.calls / Math.max(blocks, 1), passes, passMs: Math.round(passMsTotal / passes), maxPassMs, ...await quietPasses() };
        break;
      }
    }
  }
  provider.destroy();

  /**
   * The pass every poll makes when nothing is paid to Lanepay: a new block holding a transfer to an
   * address nobody watches, scanned and its recipient looked up. Median and max of 5.
   */
  async function quietPasses(): Promise<{ quietPassMs: number; maxQuietPassMs: number }> {
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await (await usdc.getFunction('transfer').send(Wallet.createRandom().address, 1_000_000n)).wait();
      const began = Date.now();
      await watchChain(watch, chainName);
      times.push(Date.now() - began);
    }
    times.sort((a, b) => a - b);
    return { quietPassMs: times[2]!, maxQuietPassMs: times[4]! };
  }

  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const result = {
    latencyMs: { samples: sorted.length, p50: pct(50), p99: pct(99), max: sorted.at(-1) },
    confirmations: chain.confirmations,
    pollMs: 1000,
    rpcPerBlock: perBlock,
  };
  console.log(`Block to charge.succeeded (${chain.confirmations} confirmation, watcher polling every 1 s, ${sorted.length} charges): p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`);
  console.log('RPC calls per block scanned (5 charges paid in consecutive blocks, passes until all credited):');
  for (const [n, r] of Object.entries(perBlock)) {
    console.log(`  ${n.padStart(7)} open charges: ${r.calls} calls over ${r.blocks} blocks in ${r.passes} passes = ${r.perBlock.toFixed(2)} per block; a pass crediting them took ${r.passMs} ms on average; a quiet pass (a block with a transfer to an unwatched address) ${r.quietPassMs} ms (median of 5, max ${r.maxQuietPassMs} ms)`);
  }
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await running?.stop();
  if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
}

/** created_at of the charge's charge.succeeded event, once written. */
async function waitForSucceeded(dynamodb: DynamoDBClient, tableName: string, merchantId: string, chargeId: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const events = await listEvents({ dynamodb, tableName }, merchantId, { limit: 10 });
    const hit = events.data.find((e) => e.type === 'charge.succeeded' && e.data.object.id === chargeId);
    if (hit) return hit.created_at;
    if (Date.now() > deadline) throw new Error(`charge ${chargeId} did not succeed within 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `count` more watched addresses (open top-ups nobody pays), their deposit-address items written straight into the table, 8 batches at a time. */
async function addWatched(dynamodb: DynamoDBClient, tableName: string, chain: string, merchantId: string, count: number): Promise<void> {
  const items = Array.from({ length: count }, () => {
    const chargeId = `ch_${randomUUID().replace(/-/g, '').slice(0, 26)}`;
    return depositAddressItem({ chain, address: depositAddress('0x5FbDB2315678afecb367f032d93F642f64180aa3', chargeId), chargeId, merchantId, asset: 'USDC', minDepositMinor: 10_000n }, watchForever);
  });
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < batches.length) {
      let batch = { [tableName]: batches[next++]!.map((Item) => ({ PutRequest: { Item } })) } as Record<string, { PutRequest: { Item: Record<string, never> } }[]> | undefined;
      while (batch && Object.keys(batch).length > 0) {
        const result = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: batch }));
        batch = result.UnprocessedItems as typeof batch;
      }
    }
  }));
}
