import { createRequire } from 'node:module';
import { Contract, ContractFactory, Interface, JsonRpcSigner, type InterfaceAbi } from 'ethers';
import { DEPLOYER_ADDRESS, localProvider, minedReceipt, type RunningChain } from './chains.js';

/**
 * Safe Smart Account 1.5.0 on a local chain, from its npm package's compiled artifacts (as on a real
 * chain, where Safe's deployments are the same bytecode): the L2 singleton (it emits an event per
 * execution, which the treasury reads), the proxy factory, the fallback handler and MultiSendCallOnly. Each treasury
 * Safe is a proxy set up with its owners and threshold.
 */
export interface SafeInfrastructure {
  singleton: string;
  proxyFactory: string;
  fallbackHandler: string;
  /** MultiSendCallOnly: the one contract a treasury Safe delegatecalls, to approve and burn in one transaction. */
  multiSendCallOnly: string;
}

type LocalChain = Pick<RunningChain, 'rpcUrl' | 'chainId'>;
const require = createRequire(import.meta.url);
const artifact = (file: string): { abi: InterfaceAbi; bytecode: string } =>
  require(`@safe-global/safe-smart-account/build/artifacts/contracts/${file}`) as { abi: InterfaceAbi; bytecode: string };
const zeroAddress = '0x0000000000000000000000000000000000000000';

export async function deploySafeInfrastructure(chain: LocalChain): Promise<SafeInfrastructure> {
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const deployer = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
    const deploy = async (file: string) => {
      const { abi, bytecode } = artifact(file);
      const contract = await new ContractFactory(abi, bytecode, deployer).deploy();
      await minedReceipt(provider, contract.deploymentTransaction()!.hash);
      return contract.getAddress();
    };
    // Side by side (the node assigns the nonces): one block for the three, not three.
    const [singleton, proxyFactory, fallbackHandler, multiSendCallOnly] = await Promise.all([
      deploy('SafeL2.sol/SafeL2.json'),
      deploy('proxies/SafeProxyFactory.sol/SafeProxyFactory.json'),
      deploy('handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json'),
      deploy('libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json'),
    ]);
    return { singleton, proxyFactory, fallbackHandler, multiSendCallOnly };
  } finally {
    provider.destroy();
  }
}

/** A new Safe proxy with `owners` and `threshold`; `saltNonce` makes its address. */
export async function createSafe(chain: LocalChain, infrastructure: SafeInfrastructure, owners: string[], threshold: number, saltNonce: bigint): Promise<string> {
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const deployer = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
    const safe = new Interface(artifact('SafeL2.sol/SafeL2.json').abi);
    const initializer = safe.encodeFunctionData('setup', [owners, threshold, zeroAddress, '0x', infrastructure.fallbackHandler, zeroAddress, 0n, zeroAddress]);
    const factory = new Contract(infrastructure.proxyFactory, artifact('proxies/SafeProxyFactory.sol/SafeProxyFactory.json').abi, deployer);
    const tx = await factory.getFunction('createProxyWithNonce').send(infrastructure.singleton, initializer, saltNonce);
    const receipt = await minedReceipt(provider, tx.hash);
    const created = receipt.logs.map((log) => factory.interface.parseLog(log)).find((parsed) => parsed?.name === 'ProxyCreation');
    if (!created) throw new Error(`createProxyWithNonce ${tx.hash} created no Safe`);
    return created.args[0] as string;
  } finally {
    provider.destroy();
  }
}
