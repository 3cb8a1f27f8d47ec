// Chains: the EVM chains Lanepay pays out on and watches: the registry, adapters, RPC with
// failover, and the KMS signer.
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#chains).
export type { BroadcastResult, ChainAdapter, FeeBid, Receipt, SignedTransaction, TokenTransfer } from './adapter.js';
export { BroadcastRefusedError, ChainUnavailableError, PayoutRejectedError } from './errors.js';
export { EvmAdapter } from './evm-adapter.js';
export { KmsSigner } from './kms-signer.js';
export { ChainRegistry, chainRegistrySchema, sweepDestination } from './registry.js';
export type { Chain } from './registry.js';
export { FailoverRpc, isTransportError } from './rpc.js';
export type { CircuitChange, FailoverOptions } from './rpc.js';
export * as chainsErrors from './errors.js';
export { explorerTxTemplate, explorerTxUrl } from './explorers.js';
export { chainListSchema, chainView, chainViewSchema, listChains } from './view.js';
export type { ChainView } from './view.js';
