import { Interface } from 'ethers';
import { FailoverRpc, type ChainRegistry, type FailoverOptions } from '#chains';

/** What the chain says of one mined transaction: who paid its gas, and what of `token` it moved. */
export interface MinedTransfer {
  txHash: string;
  blockNumber: number;
  succeeded: boolean;
  /** The sender: the hot wallet that signed and paid for it. */
  from: string;
  gasUsed: bigint;
  effectiveGasPriceWei: bigint;
  /** Transfers of the token this transaction made from `from` (a native transfer: its value). */
  transfers: { to: string; amount: bigint }[];
}

/** Reads a transaction's receipt on a chain of the registry; undefined when the chain knows no such transaction. */
export type MinedTransferReader = (chain: string, txHash: string, tokenAddress: string) => Promise<MinedTransfer | undefined>;

const erc20 = new Interface(['event Transfer(address indexed from, address indexed to, uint256 value)']);
const transferTopic = erc20.getEvent('Transfer')!.topicHash;

/**
 * Reads receipts with ethers through each chain's RPC URLs (with failover): the logs of a
 * token's Transfer events, or a native transfer's value. Read-only: no key, no KMS.
 */
export function evmMinedTransferReader(registry: ChainRegistry, options?: FailoverOptions): MinedTransferReader {
  const rpcs = new Map(registry.chains.map((chain) => [chain.name, new FailoverRpc(chain.name, chain.chainId, chain.rpcUrls, options)]));
  return async (chainName, txHash, tokenAddress) => {
    const rpc = rpcs.get(chainName);
    if (!rpc) throw new Error(`no chain ${chainName} in the registry`);
    const receipt = await rpc.call((provider) => provider.getTransactionReceipt(txHash));
    if (!receipt) return undefined;
    const from = receipt.from.toLowerCase();
    let transfers: MinedTransfer['transfers'];
    if (tokenAddress === 'native') {
      const sent = await rpc.call((provider) => provider.getTransaction(txHash));
      transfers = sent?.to ? [{ to: sent.to, amount: sent.value }] : [];
    } else {
      transfers = receipt.logs
        .filter((log) => log.address.toLowerCase() === tokenAddress.toLowerCase() && log.topics[0] === transferTopic)
        .map((log) => erc20.parseLog(log)!)
        .filter((event) => String(event.args[0]).toLowerCase() === from)
        .map((event) => ({ to: String(event.args[1]), amount: BigInt(event.args[2] as bigint) }));
    }
    return {
      txHash: receipt.hash, blockNumber: receipt.blockNumber, succeeded: receipt.status === 1, from: receipt.from,
      gasUsed: receipt.gasUsed, effectiveGasPriceWei: receipt.gasPrice, transfers,
    };
  };
}
