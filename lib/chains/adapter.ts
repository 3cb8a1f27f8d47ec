/**
 * What chain-submit needs from a chain family. The EVM implementation is `EvmAdapter`; another
 * family (e.g. Hyperledger Fabric) plugs in behind the same interface.
 */
export interface FeeBid {
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  gasPrice?: bigint;
}

export interface PayoutRequest {
  asset: string;
  to: string;
  /** In the chain's own units of the asset (already scaled to the token's decimals). */
  amount: bigint;
  nonce: number;
  fees: FeeBid;
}

export interface SignedTransaction {
  hash: string;
  raw: string;
  nonce: number;
  fees: FeeBid;
  gasLimit: bigint;
}

export interface ContractCall {
  to: string;
  data: string;
}

/**
 * How a node took signed bytes. `nonce_used`: the nonce is already mined (by these bytes, another
 * attempt of ours, or a foreign transaction). `underpriced`: a transaction with that nonce sits in
 * the pool with a higher fee. `insufficient_funds`: the wallet cannot pay for it now. A refusal
 * the node will not change its mind about throws `BroadcastRefusedError`.
 */
export type BroadcastResult = 'accepted' | 'already_known' | 'nonce_used' | 'underpriced' | 'insufficient_funds';

export interface Receipt {
  hash: string;
  blockNumber: number;
  /** The block the receipt names: compared with the canonical block at that height before acting. */
  blockHash: string;
  succeeded: boolean;
}

/** A token transfer a mined transaction emitted (an ERC-20 `Transfer` log), in the token's own units. */
export interface TokenTransfer {
  /** The token contract that emitted it. */
  token: string;
  from: string;
  to: string;
  amount: bigint;
  logIndex: number;
}

export interface ChainAdapter {
  readonly chain: string;
  /** The KMS key this adapter signs with. */
  readonly keyId: string;
  /** The same chain (and RPC breaker state) signing with another key: a payout's own key. */
  withKey(keyId: string): ChainAdapter;
  hotWalletAddress(): Promise<string>;
  /** The next nonce the chain would accept from the hot wallet, counting its pending transactions. */
  pendingNonce(): Promise<number>;
  /** Fees for a new transaction within the chain's fee caps. */
  quoteFees(): Promise<FeeBid>;
  /** Throws `PayoutRejectedError` when the transfer would revert (e.g. the token refuses the destination). */
  estimatePayoutGas(request: Omit<PayoutRequest, 'nonce' | 'fees'>): Promise<bigint>;
  signPayout(request: PayoutRequest, gasLimit: bigint): Promise<SignedTransaction>;
  /** A contract call from the hot wallet (e.g. a deposit sweep), gas estimated with the payout headroom. */
  estimateCallGas(call: ContractCall): Promise<bigint>;
  signCall(call: ContractCall, nonce: number, fees: FeeBid, gasLimit: bigint): Promise<SignedTransaction>;
  /** Gas used and price paid by a mined transaction. */
  gasPaid(hash: string): Promise<{ gasUsed: bigint; effectiveGasPrice: bigint } | undefined>;
  /** A zero-value self-transfer that takes a nonce whose own transaction can never be mined. */
  signNonceFill(nonce: number, fees: FeeBid): Promise<SignedTransaction>;
  /** Fees for replacing a stuck transaction, or undefined when the caps allow no higher bid. */
  bumpFees(previous: FeeBid, quote: FeeBid): FeeBid | undefined;
  broadcast(raw: string): Promise<BroadcastResult>;
  /**
   * Several transactions in one request the node takes in order (a wallet's nonces n, n+1, ...
   * without a round trip each): per transaction what `broadcast` would answer, or what it would throw.
   */
  broadcastInOrder(raws: string[]): Promise<Array<BroadcastResult | Error>>;
  receipt(hash: string): Promise<Receipt | undefined>;
  isKnown(hash: string): Promise<boolean>;
  headBlock(): Promise<number>;
  /** The hash of the canonical block at `blockNumber`, or undefined if the node has none. */
  blockHash(blockNumber: number): Promise<string | undefined>;
  /** The wallet's mined nonce count as of `blockNumber` (default: latest). */
  minedNonce(blockNumber?: number): Promise<number>;
  /** Balances as of `blockNumber` (default: latest). */
  balances(blockNumber?: number): Promise<{ gasWei: bigint; tokens: Record<string, bigint> }>;
  /** Another address's balance of one of the chain's assets, in the token's units, as of `blockNumber` (default: latest). */
  tokenBalance(holder: string, asset: string, blockNumber?: number): Promise<bigint>;
  /** A mined transaction's receipt with the token transfers it emitted and the address that sent it, or undefined while it has none. */
  tokenTransfers(hash: string): Promise<{ receipt: Receipt; transfers: TokenTransfer[]; sender: string } | undefined>;
}
