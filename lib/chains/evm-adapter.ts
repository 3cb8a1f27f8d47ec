import type { KMSClient } from '@aws-sdk/client-kms';
import { Interface, isError, Transaction, type JsonRpcError, type TransactionRequest } from 'ethers';
import type { BroadcastResult, ChainAdapter, ContractCall, FeeBid, PayoutRequest, Receipt, SignedTransaction, TokenTransfer } from './adapter.js';
import { BroadcastRefusedError, ChainUnavailableError, PayoutRejectedError } from './errors.js';
import { KmsSigner } from './kms-signer.js';
import type { Chain } from './registry.js';
import { FailoverRpc } from './rpc.js';

const erc20 = new Interface([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);
const transferTopic = erc20.getEvent('Transfer')!.topicHash;

/**
 * A node's refusal by ethers' error code (ethers maps each node's wording onto these codes), or
 * undefined for a refusal ethers has no code for. TRANSACTION_REPLACED only comes from waiting on a
 * transaction, but it means the same as NONCE_EXPIRED: another transaction holds the nonce.
 */
export function classifyBroadcastRefusal(error: unknown): Exclude<BroadcastResult, 'accepted' | 'already_known'> | undefined {
  if (isError(error, 'NONCE_EXPIRED') || isError(error, 'TRANSACTION_REPLACED')) return 'nonce_used';
  if (isError(error, 'REPLACEMENT_UNDERPRICED')) return 'underpriced';
  if (isError(error, 'INSUFFICIENT_FUNDS')) return 'insufficient_funds';
  return undefined;
}

const feeQuoteTtlMs = 2_000;

/** Gas headroom over the estimate, in percent: state can change between estimate and mining. */
const gasHeadroomPercent = 130n;

export class EvmAdapter implements ChainAdapter {
  readonly chain: string;
  readonly keyId: string;
  private readonly signer: KmsSigner;
  readonly rpc: FailoverRpc;
  private feeQuote: { bid: FeeBid; atMs: number } | undefined;
  private readonly byKey = new Map<string, EvmAdapter>();

  constructor(private readonly config: Chain, private readonly kms: KMSClient, rpc?: FailoverRpc) {
    this.chain = config.name;
    this.keyId = config.hotWalletKeyId;
    this.signer = new KmsSigner(kms, config.hotWalletKeyId);
    this.rpc = rpc ?? new FailoverRpc(config.name, config.chainId, config.rpcUrls);
  }

  withKey(keyId: string): EvmAdapter {
    if (keyId === this.keyId) return this;
    let adapter = this.byKey.get(keyId);
    if (!adapter) {
      adapter = new EvmAdapter({ ...this.config, hotWalletKeyId: keyId }, this.kms, this.rpc);
      this.byKey.set(keyId, adapter);
    }
    return adapter;
  }

  hotWalletAddress(): Promise<string> {
    return this.signer.getAddress();
  }

  async pendingNonce(): Promise<number> {
    const address = await this.hotWalletAddress();
    return this.rpc.call((p) => p.getTransactionCount(address, 'pending'));
  }

  async quoteFees(): Promise<FeeBid> {
    const policy = this.config.fees;
    if (policy.type === 'legacy') return { gasPrice: BigInt(policy.gasPriceWei) };
    // A burst of payouts shares one quote for a couple of seconds: fees move per block, not per payout.
    if (this.feeQuote && Date.now() - this.feeQuote.atMs < feeQuoteTtlMs) return this.feeQuote.bid;
    const data = await this.rpc.call((p) => p.getFeeData());
    const capFee = BigInt(policy.maxFeePerGasWei);
    const capTip = BigInt(policy.maxPriorityFeePerGasWei);
    const tip = min(data.maxPriorityFeePerGas ?? capTip, capTip);
    const bid = { maxFeePerGas: min(data.maxFeePerGas ?? capFee, capFee), maxPriorityFeePerGas: tip };
    this.feeQuote = { bid, atMs: Date.now() };
    return bid;
  }

  /**
   * A bid for replacing a stuck transaction: at least 12.5% above the previous one (the node's
   * replacement rule) and at least today's quote, within the caps. Undefined at the caps.
   */
  bumpFees(previous: FeeBid, quote: FeeBid): FeeBid | undefined {
    const policy = this.config.fees;
    const bump = (value: bigint) => (value * 1125n + 999n) / 1000n;
    const next = (prev: bigint | undefined, market: bigint | undefined, cap: bigint) => min(max(bump(prev ?? 0n), market ?? 0n), cap);
    if (policy.type === 'legacy') {
      const gasPrice = next(previous.gasPrice, quote.gasPrice, BigInt(policy.gasPriceWei));
      return gasPrice > (previous.gasPrice ?? 0n) ? { gasPrice } : undefined;
    }
    const maxFeePerGas = next(previous.maxFeePerGas, quote.maxFeePerGas, BigInt(policy.maxFeePerGasWei));
    const maxPriorityFeePerGas = next(previous.maxPriorityFeePerGas, quote.maxPriorityFeePerGas, BigInt(policy.maxPriorityFeePerGasWei));
    // A replacement must raise both fields, or the node refuses it as underpriced.
    if (maxFeePerGas <= (previous.maxFeePerGas ?? 0n) || maxPriorityFeePerGas <= (previous.maxPriorityFeePerGas ?? 0n)) return undefined;
    return { maxFeePerGas, maxPriorityFeePerGas };
  }

  async estimatePayoutGas(request: Omit<PayoutRequest, 'nonce' | 'fees'>): Promise<bigint> {
    const from = await this.hotWalletAddress();
    const tx = this.payoutCall(request);
    try {
      const estimate = await this.rpc.call((p) => p.estimateGas({ ...tx, from }));
      return (estimate * gasHeadroomPercent) / 100n;
    } catch (error) {
      if ((error as { code?: string }).code === 'CALL_EXCEPTION') {
        throw new PayoutRejectedError(`The ${request.asset} transfer to ${request.to} on ${this.chain} reverts.`, error);
      }
      throw error;
    }
  }

  async signPayout(request: PayoutRequest, gasLimit: bigint): Promise<SignedTransaction> {
    return this.sign({ ...this.payoutCall(request), nonce: request.nonce, gasLimit, ...feeFields(request.fees) }, request.fees);
  }

  async estimateCallGas(call: ContractCall): Promise<bigint> {
    const from = await this.hotWalletAddress();
    const estimate = await this.rpc.call((p) => p.estimateGas({ ...call, from }));
    return (estimate * gasHeadroomPercent) / 100n;
  }

  async signCall(call: ContractCall, nonce: number, fees: FeeBid, gasLimit: bigint): Promise<SignedTransaction> {
    return this.sign({ to: call.to, data: call.data, value: 0n, nonce, gasLimit, ...feeFields(fees) }, fees);
  }

  async gasPaid(hash: string): Promise<{ gasUsed: bigint; effectiveGasPrice: bigint } | undefined> {
    const receipt = await this.rpc.call((p) => p.getTransactionReceipt(hash));
    return receipt ? { gasUsed: receipt.gasUsed, effectiveGasPrice: receipt.gasPrice } : undefined;
  }

  async signNonceFill(nonce: number, fees: FeeBid): Promise<SignedTransaction> {
    const self = await this.hotWalletAddress();
    return this.sign({ to: self, value: 0n, data: '0x', nonce, gasLimit: 21_000n, ...feeFields(fees) }, fees);
  }

  async broadcast(raw: string): Promise<BroadcastResult> {
    try {
      await this.rpc.call((p) => p.broadcastTransaction(raw));
      return 'accepted';
    } catch (error) {
      if (error instanceof ChainUnavailableError) throw error;
      const refusal = classifyBroadcastRefusal(error);
      if (refusal) return refusal;
      const hash = Transaction.from(raw).hash!;
      // Nodes word "already known" each their own way and ethers has no code for it: ask the node.
      if (await this.isKnown(hash)) return 'already_known';
      throw new BroadcastRefusedError(this.chain, hash, error);
    }
  }

  async broadcastInOrder(raws: string[]): Promise<Array<BroadcastResult | Error>> {
    if (raws.length <= 1) return Promise.all(raws.map((raw) => this.broadcast(raw).catch((error: Error) => error)));
    // One JSON-RPC batch: nodes answer a batch's calls in order, so the nonces arrive in order.
    const payloads = raws.map((raw, i) => ({ method: 'eth_sendRawTransaction', params: [raw], id: i + 1, jsonrpc: '2.0' as const }));
    const { provider, answers } = await this.rpc.call(async (p) => ({ provider: p, answers: await p._send(payloads) }));
    return Promise.all(payloads.map(async (payload, i): Promise<BroadcastResult | Error> => {
      const answer = answers.find((a) => a.id === payload.id);
      if (answer && !('error' in answer)) return 'accepted';
      const error = answer ? provider.getRpcError(payload, answer as JsonRpcError) : new Error(`no answer for transaction ${i} of the batch`);
      const refusal = classifyBroadcastRefusal(error);
      if (refusal) return refusal;
      const hash = Transaction.from(raws[i]!).hash!;
      try {
        if (await this.isKnown(hash)) return 'already_known';
      } catch (unknown) {
        return unknown as Error;
      }
      return new BroadcastRefusedError(this.chain, hash, error);
    }));
  }

  async receipt(hash: string): Promise<Receipt | undefined> {
    const receipt = await this.rpc.call((p) => p.getTransactionReceipt(hash));
    if (!receipt) return undefined;
    return { hash: receipt.hash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash, succeeded: receipt.status === 1 };
  }

  async blockHash(blockNumber: number): Promise<string | undefined> {
    return (await this.rpc.call((p) => p.getBlock(blockNumber)))?.hash ?? undefined;
  }

  async minedNonce(blockNumber?: number): Promise<number> {
    const address = await this.hotWalletAddress();
    return this.rpc.call((p) => p.getTransactionCount(address, blockNumber ?? 'latest'));
  }

  async isKnown(hash: string): Promise<boolean> {
    return (await this.rpc.call((p) => p.getTransaction(hash))) !== null;
  }

  headBlock(): Promise<number> {
    return this.rpc.call((p) => p.getBlockNumber());
  }

  async balances(blockNumber?: number): Promise<{ gasWei: bigint; tokens: Record<string, bigint> }> {
    const address = await this.hotWalletAddress();
    const blockTag = blockNumber ?? 'latest';
    const gasWei = await this.rpc.call((p) => p.getBalance(address, blockTag));
    const tokens: Record<string, bigint> = {};
    for (const asset of this.config.assets) {
      tokens[asset.symbol] = asset.address === 'native'
        ? gasWei
        : BigInt(await this.rpc.call((p) => p.call({ to: asset.address as string, data: erc20.encodeFunctionData('balanceOf', [address]), blockTag })));
    }
    return { gasWei, tokens };
  }

  async tokenBalance(holder: string, asset: string, blockNumber?: number): Promise<bigint> {
    const token = this.config.assets.find((a) => a.symbol === asset);
    if (!token) throw new Error(`chain ${this.chain} carries no ${asset}`);
    const blockTag = blockNumber ?? 'latest';
    if (token.address === 'native') return this.rpc.call((p) => p.getBalance(holder, blockTag));
    return BigInt(await this.rpc.call((p) => p.call({ to: token.address as string, data: erc20.encodeFunctionData('balanceOf', [holder]), blockTag })));
  }

  async tokenTransfers(hash: string): Promise<{ receipt: Receipt; transfers: TokenTransfer[]; sender: string } | undefined> {
    const mined = await this.rpc.call((p) => p.getTransactionReceipt(hash));
    if (!mined) return undefined;
    const transfers = mined.logs.flatMap((log): TokenTransfer[] => {
      // An ERC-20 Transfer has both addresses indexed (ERC-721's has its token id indexed too: four topics).
      if (log.topics.length !== 3 || log.topics[0] !== transferTopic) return [];
      return [{ token: log.address, from: `0x${log.topics[1]!.slice(26)}`, to: `0x${log.topics[2]!.slice(26)}`, amount: BigInt(log.data), logIndex: log.index }];
    });
    return { receipt: { hash: mined.hash, blockNumber: mined.blockNumber, blockHash: mined.blockHash, succeeded: mined.status === 1 }, transfers, sender: mined.from };
  }

  private payoutCall(request: Omit<PayoutRequest, 'nonce' | 'fees'>): TransactionRequest {
    const asset = this.config.assets.find((a) => a.symbol === request.asset);
    if (!asset) throw new Error(`chain ${this.chain} carries no ${request.asset}`);
    if (asset.address === 'native') return { to: request.to, value: request.amount, data: '0x' };
    return { to: asset.address, value: 0n, data: erc20.encodeFunctionData('transfer', [request.to, request.amount]) };
  }

  private async sign(tx: TransactionRequest, fees: FeeBid): Promise<SignedTransaction> {
    const raw = await this.signer.signTransaction({ ...tx, chainId: this.config.chainId, type: fees.gasPrice !== undefined ? 0 : 2 });
    const parsed = Transaction.from(raw);
    return { hash: parsed.hash!, raw, nonce: parsed.nonce, fees, gasLimit: parsed.gasLimit };
  }
}

function feeFields(fees: FeeBid) {
  return fees.gasPrice !== undefined ? { gasPrice: fees.gasPrice } : { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
