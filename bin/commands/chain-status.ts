import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { formatEther, formatUnits } from 'ethers';
import { EvmAdapter, FailoverRpc, type Chain } from '#chains';
import { currentHotWallet, inFlightPayoutItems, walletKey } from '#money';
import { defineCommand } from '../command.js';
import { rpcCircuits, type RpcCircuit } from '../rpc-circuits.js';
import { stageChainRegistry, stageDeps } from '../stage.js';

interface ChainStatus {
  chain: string;
  chain_id: number;
  status: 'ok' | 'unreachable' | 'error';
  /** Why the status is not ok: the RPC, KMS or DynamoDB error. */
  error?: string;
  head_block?: number;
  hot_wallet?: string;
  /** Set while `lanepay chain rotate-wallet` drains the old wallet: the key that comes next. */
  rotating_to_key_id?: string;
  /** Native coin in ether units (10^18 wei), as a decimal string. */
  gas_balance?: string;
  /** Per asset symbol, in whole tokens (the registry's decimals applied). */
  token_balances?: Record<string, string>;
  /** The WALLET item's nextNonce; null before Lanepay's first payout from this wallet. */
  next_nonce?: number | null;
  chain_pending_nonce?: number;
  in_flight?: { count: number; oldest_payment_id: string | null; oldest_age_seconds: number | null };
  /** The RPC circuits the functions opened or closed in the last hour (their breakers, not the CLI's); a string when they could not be read. */
  rpc_circuits?: RpcCircuit[] | string;
}

// An operator runs this to find out what is wrong: an unreachable node must not hold it up for long.
const rpcTimeoutMs = 3_000;

export default defineCommand({
  name: 'chain status',
  description: 'Per chain: head block, hot wallet, balances, Lanepay and chain nonces, payouts in flight, and the RPC circuits the functions opened in the last hour',
  options: { json: { type: 'boolean', default: false, description: 'prints JSON instead of a table' } },
  async run({ stage, values, print }) {
    // Registry first: a missing LANEPAY_CHAIN_REGISTRY is the likeliest mistake on a deployed stage.
    const registry = stageChainRegistry(stage);
    const deps = stageDeps(stage);
    try {
      const [statuses, circuits] = await Promise.all([
        Promise.all(registry.chains.map((chain) => chainStatus(chain, deps))),
        rpcCircuits(stage).catch((error: unknown) => (error as Error).message),
      ]);
      for (const status of statuses) status.rpc_circuits = typeof circuits === 'string' ? circuits : circuits.get(status.chain) ?? [];
      print(values.json ? JSON.stringify(statuses, null, 2) : statuses.map(describeStatus).join('\n\n'));
      return statuses.every((s) => s.status === 'ok') ? 0 : 1;
    } finally {
      deps.dynamodb.destroy();
      deps.kms.destroy();
    }
  },
});

async function chainStatus(chain: Chain, deps: { dynamodb: DynamoDBClient; kms: KMSClient; tableName: string }): Promise<ChainStatus> {
  const status: ChainStatus = { chain: chain.name, chain_id: chain.chainId, status: 'ok' };
  const rpc = new FailoverRpc(chain.name, chain.chainId, chain.rpcUrls, { timeoutMs: rpcTimeoutMs });
  // The hot wallet a rotation made current (DynamoDB), else the registry's; a DynamoDB failure shows below.
  const hotWallet = await currentHotWallet(deps, chain).catch(() => undefined);
  if (hotWallet?.nextKeyId) status.rotating_to_key_id = hotWallet.nextKeyId;
  const adapter = new EvmAdapter({ ...chain, hotWalletKeyId: hotWallet?.keyId ?? chain.hotWalletKeyId }, deps.kms, rpc);
  try {
    // KMS and DynamoDB answer for themselves: worth showing even when the node is down.
    const [head, wallet, inFlight] = await Promise.allSettled([adapter.headBlock(), adapter.hotWalletAddress(), inFlightPayouts(deps, chain.name)]);
    if (head.status === 'fulfilled') status.head_block = head.value;
    if (wallet.status === 'fulfilled') status.hot_wallet = wallet.value;
    if (inFlight.status === 'fulfilled') status.in_flight = inFlight.value;
    if (head.status === 'rejected') return { ...status, status: 'unreachable', error: describe(head.reason) };
    if (wallet.status === 'rejected') return { ...status, status: 'error', error: `KMS key ${adapter.keyId}: ${describe(wallet.reason)}` };
    if (inFlight.status === 'rejected') return { ...status, status: 'error', error: `DynamoDB table ${deps.tableName}: ${describe(inFlight.reason)}` };

    const [balances, pendingNonce, walletItem] = await Promise.all([
      adapter.balances(),
      adapter.pendingNonce(),
      deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: walletKey(chain.name, wallet.value), ConsistentRead: true })),
    ]);
    status.gas_balance = formatEther(balances.gasWei);
    status.token_balances = Object.fromEntries(
      chain.assets.map((asset) => [asset.symbol, formatUnits(balances.tokens[asset.symbol] ?? 0n, asset.decimals)]),
    );
    const nextNonce = walletItem.Item?.nextNonce?.N;
    status.next_nonce = nextNonce === undefined ? null : Number(nextNonce);
    status.chain_pending_nonce = pendingNonce;
    return status;
  } catch (error) {
    return { ...status, status: 'error', error: describe(error) };
  }
}

/** Payouts not yet final on the chain (gsi1 INFLIGHT#<chain>, a sparse index), and the oldest of them. */
async function inFlightPayouts(deps: { dynamodb: DynamoDBClient; tableName: string }, chain: string): Promise<NonNullable<ChainStatus['in_flight']>> {
  let count = 0;
  let oldest: { paymentId: string; createdAtMs: number } | undefined;
  for await (const item of inFlightPayoutItems(deps, chain, 'paymentId, createdAtMs')) {
    count += 1;
    const createdAtMs = Number(item.createdAtMs?.N);
    // Sorted by nonce, and waiting payouts sort as nonce 0: the oldest is found by its creation time.
    if (oldest === undefined || createdAtMs < oldest.createdAtMs) oldest = { paymentId: item.paymentId?.S ?? '?', createdAtMs };
  }
  return {
    count,
    oldest_payment_id: oldest?.paymentId ?? null,
    oldest_age_seconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.createdAtMs) / 1000)) : null,
  };
}

function describeStatus(s: ChainStatus): string {
  const lines: [string, string][] = [['head block', s.head_block !== undefined ? String(s.head_block) : s.status === 'unreachable' ? `unreachable: ${s.error}` : '-']];
  if (s.hot_wallet) lines.push(['hot wallet', s.hot_wallet]);
  if (s.rotating_to_key_id) lines.push(['rotating to', `${s.rotating_to_key_id} (new payouts wait until the old wallet drains)`]);
  if (s.gas_balance !== undefined) lines.push(['gas', `${s.gas_balance} ETH`]);
  for (const [symbol, amount] of Object.entries(s.token_balances ?? {})) lines.push([symbol, amount]);
  if (s.chain_pending_nonce !== undefined) lines.push(['next nonce', nonceLine(s.next_nonce ?? null, s.chain_pending_nonce)]);
  if (s.in_flight) {
    const { count, oldest_payment_id, oldest_age_seconds } = s.in_flight;
    lines.push(['in flight', count === 0 ? '0' : `${count}, oldest ${oldest_payment_id} ${age(oldest_age_seconds ?? 0)} old`]);
  }
  if (s.rpc_circuits !== undefined) lines.push(['rpc circuits', circuitsLine(s.rpc_circuits)]);
  if (s.status === 'error') lines.push(['error', s.error ?? 'unknown']);
  const width = Math.max(...lines.map(([label]) => label.length));
  return [`${s.chain} (chain id ${s.chain_id})`, ...lines.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}

function circuitsLine(circuits: RpcCircuit[] | string): string {
  if (typeof circuits === 'string') return `unknown (${circuits})`;
  if (circuits.length === 0) return 'none opened in the last hour (functions\' breakers)';
  return circuits.map((c) => `${c.rpc} ${c.state} since ${c.since}`).join('; ');
}

/** The two nonces differ for a reason an operator should know without reading the code. */
function nonceLine(lanepay: number | null, chain: number): string {
  if (lanepay === null) return `none yet (chain pending ${chain}; the first payout starts there)`;
  const both = `${lanepay} (Lanepay) / ${chain} (chain pending)`;
  if (lanepay > chain) return `${both}: ${lanepay - chain} signed transaction(s) not in the node's pool; chain-check rebroadcasts them`;
  if (lanepay < chain) return `${both}: the wallet sent ${chain - lanepay} transaction(s) Lanepay did not sign`;
  return both;
}

function age(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** The innermost cause ("connect ECONNREFUSED …"), after the outer message when it adds something. */
function describe(error: unknown): string {
  const outer = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  const inner = current instanceof Error ? (current as { shortMessage?: string }).shortMessage ?? current.message : String(current);
  return inner === outer ? outer : `${outer} (${inner})`;
}
