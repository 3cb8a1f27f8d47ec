import { concat, dataLength, getAddress, Interface, solidityPacked, TypedDataEncoder, type Signature } from 'ethers';

/**
 * A Safe transaction (Safe Smart Account 1.5.0's `SafeTx`) and what its owners sign: the EIP-712
 * hash of it under the Safe's domain (its chain and address). The treasury's owners sign that hash
 * in KMS, each with their own key; M of them execute it. Written here rather than taken from
 * Safe's protocol kit: that kit brings its own provider stack (viem) for what is one typed-data hash,
 * a sort and a call, and ethers, which the chain adapters use, already does each.
 */
export interface SafeTransaction {
  to: string;
  value: bigint;
  data: string;
  /**
   * 0 call, 1 delegatecall: the treasury delegatecalls only Safe's MultiSendCallOnly (a batch of
   * calls made by the Safe itself, none of them a delegatecall), to approve and burn in one transaction.
   */
  operation: 0 | 1;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: string;
  refundReceiver: string;
  nonce: bigint;
}

export const safeTxTypes = {
  SafeTx: [
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' },
    { name: 'safeTxGas', type: 'uint256' },
    { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' },
    { name: 'gasToken', type: 'address' },
    { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
};

const zeroAddress = '0x0000000000000000000000000000000000000000';
const erc20 = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);

export const safeAbi = [
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool)',
  'function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 nonce) view returns (bytes32)',
  'function nonce() view returns (uint256)',
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  'event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)',
];

/** A token transfer out of the Safe, paid by whoever executes it (no refund from the Safe). */
export function tokenTransfer(token: string, to: string, amountMinor: bigint, nonce: bigint): SafeTransaction {
  return {
    to: getAddress(token), value: 0n, data: erc20.encodeFunctionData('transfer', [getAddress(to), amountMinor]), operation: 0,
    safeTxGas: 0n, baseGas: 0n, gasPrice: 0n, gasToken: zeroAddress, refundReceiver: zeroAddress, nonce,
  };
}

const multiSendCallOnly = new Interface(['function multiSend(bytes transactions) payable']);

/**
 * Calls the Safe makes one after another in one transaction, through Safe's MultiSendCallOnly: each
 * packed as operation (0: call; MultiSendCallOnly refuses anything else), to, value, data length, data.
 */
export function batchedCalls(multiSend: string, calls: { to: string; data: string }[], nonce: bigint): SafeTransaction {
  const packed = concat(calls.map((call) => solidityPacked(['uint8', 'address', 'uint256', 'uint256', 'bytes'], [0, getAddress(call.to), 0n, dataLength(call.data), call.data])));
  return {
    to: getAddress(multiSend), value: 0n, data: multiSendCallOnly.encodeFunctionData('multiSend', [packed]), operation: 1,
    safeTxGas: 0n, baseGas: 0n, gasPrice: 0n, gasToken: zeroAddress, refundReceiver: zeroAddress, nonce,
  };
}

/** What each owner signs: the transaction's EIP-712 hash in the Safe's domain. */
export function safeTxHash(chainId: number, safe: string, tx: SafeTransaction): string {
  return TypedDataEncoder.hash({ chainId, verifyingContract: getAddress(safe) }, safeTxTypes, tx);
}

/**
 * The `signatures` argument of execTransaction: each owner's 65-byte ECDSA signature over the hash
 * (v 27 or 28), in increasing owner address, as the Safe checks them (no owner counts twice).
 */
export function packSignatures(signatures: { owner: string; signature: Signature }[]): string {
  const ordered = [...signatures].sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : BigInt(a.owner) > BigInt(b.owner) ? 1 : 0));
  for (let i = 1; i < ordered.length; i += 1) {
    if (BigInt(ordered[i]!.owner) === BigInt(ordered[i - 1]!.owner)) throw new Error(`owner ${ordered[i]!.owner} signed twice`);
  }
  return concat(ordered.map(({ signature }) => signature.serialized));
}

/** execTransaction's arguments for a signed transaction. */
export function execTransactionArgs(tx: SafeTransaction, signatures: string): unknown[] {
  return [tx.to, tx.value, tx.data, tx.operation, tx.safeTxGas, tx.baseGas, tx.gasPrice, tx.gasToken, tx.refundReceiver, signatures];
}
