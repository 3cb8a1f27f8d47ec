import { Contract, JsonRpcProvider } from 'ethers';
import type { StackChain } from '../../scripts/stack/types.js';
import { stack } from './stack.js';

export function chainByName(name: string): StackChain {
  const chain = stack().chains.find((c) => c.name === name);
  if (!chain) throw new Error(`no chain ${name} in the test stack`);
  return chain;
}

export function provider(name: string): JsonRpcProvider {
  const chain = chainByName(name);
  const p = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true });
  p.pollingInterval = 200;
  return p;
}

const erc20Abi = [
  'function balanceOf(address) view returns (uint256)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
];

export function usdcContract(name: string): Contract {
  return new Contract(chainByName(name).usdcAddress, erc20Abi, provider(name));
}

export async function usdcBalance(name: string, address: string): Promise<bigint> {
  return (await usdcContract(name).getFunction('balanceOf')(address)) as bigint;
}
