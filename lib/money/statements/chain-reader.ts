import { Contract, Interface, JsonRpcProvider, getAddress } from 'ethers';

/** What a statement's verifier asks of a chain: nothing but public RPC reads. */
export interface ChainReader {
  chainId: number;
  /** The transaction as the chain has it, or undefined when the chain does not know it. */
  transaction(hash: string): Promise<{ data: string; from: string; blockNumber: number | null } | undefined>;
  /** The ERC-20 Transfer logs of a mined transaction that succeeded; undefined when it is not mined or reverted. */
  transfers(hash: string): Promise<{ token: string; from: string; to: string; value: bigint }[] | undefined>;
  decimals(token: string): Promise<number>;
  destroy(): void;
}

const erc20 = new Interface(['event Transfer(address indexed from, address indexed to, uint256 value)', 'function decimals() view returns (uint8)']);
const transferTopic = erc20.getEvent('Transfer')!.topicHash;

/** A ChainReader over one JSON-RPC URL; its chain id is asked of the node (eth_chainId). */
export async function rpcChainReader(url: string): Promise<ChainReader> {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
  const chainId = Number((await provider.getNetwork()).chainId);
  return {
    chainId,
    async transaction(hash) {
      const tx = await provider.getTransaction(hash);
      return tx ? { data: tx.data, from: getAddress(tx.from), blockNumber: tx.blockNumber } : undefined;
    },
    async transfers(hash) {
      const receipt = await provider.getTransactionReceipt(hash);
      if (!receipt || receipt.status !== 1) return undefined;
      return receipt.logs.filter((log) => log.topics[0] === transferTopic && log.topics.length === 3).map((log) => {
        const parsed = erc20.parseLog(log)!;
        return { token: getAddress(log.address), from: getAddress(parsed.args[0] as string), to: getAddress(parsed.args[1] as string), value: parsed.args[2] as bigint };
      });
    },
    async decimals(token) {
      return Number(await new Contract(token, erc20, provider).getFunction('decimals').staticCall());
    },
    destroy: () => provider.destroy(),
  };
}
