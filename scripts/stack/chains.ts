import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, ContractFactory, JsonRpcProvider, JsonRpcSigner, type TransactionReceipt } from 'ethers';
import { compileDepositFactory, compileTestUsdc } from './solidity.js';

export interface ChainSpec {
  name: string;
  chainId: number;
  port: number;
  blockIntervalMs?: number;
}

export interface RunningChain {
  name: string;
  chainId: number;
  rpcUrl: string;
  usdcAddress: string;
  pid: number;
  /** The hardhat node's process, for watching that it stays up. */
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export interface StartChainsOptions {
  logDir: string;
  /** A deadline, not a wait: a node answers in 1-5 s on this 2-core machine, and took over 30 s at a load of 30. */
  startTimeoutMs?: number;
}

/** Hardhat's first default account (from the public "test test … junk" mnemonic); it owns TestUSDC. */
export const DEPLOYER_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

const stackDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(stackDir, '..', '..');
const hardhatCli = path.join(repoRoot, 'node_modules', 'hardhat', 'internal', 'cli', 'bootstrap.js');
const hardhatConfig = path.join(stackDir, 'hardhat.config.cjs');

const usdcAbi = ['function mint(address to, uint256 amount)'];

/**
 * Starts one `hardhat node` per spec in parallel, waits until each answers, and deploys TestUSDC
 * to each. If any chain fails, the ones already started are stopped before the error is thrown.
 */
export async function startChains(specs: ChainSpec[], opts: StartChainsOptions): Promise<RunningChain[]> {
  await assertValidSpecs(specs);
  await mkdir(opts.logDir, { recursive: true });
  const compiled = compileTestUsdc();

  const started = await Promise.allSettled(specs.map((spec) => startChain(spec, opts, compiled)));
  const chains = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = started.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length > 0) {
    await Promise.all(chains.map((c) => c.stop()));
    throw failures.length === 1 ? failures[0] : new AggregateError(failures, failures.map((f) => f.message).join('\n'));
  }
  return chains;
}

/** Sends ETH for gas and mints TestUSDC to `address`, and returns once both are mined, with their transaction hashes. */
export async function fundAddress(
  chain: Pick<RunningChain, 'rpcUrl' | 'usdcAddress'>,
  address: string,
  amounts: { gasWei: bigint; usdcMinor: bigint },
): Promise<{ gasTx?: string; usdcTx?: string }> {
  const provider = localProvider(chain.rpcUrl);
  try {
    // The node's unlocked account lets the node assign nonces, so concurrent funding from
    // several test workers cannot collide the way locally counted wallet nonces would.
    const owner = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
    const usdc = new Contract(chain.usdcAddress, usdcAbi, owner);
    const [gas, minted] = await Promise.all([
      amounts.gasWei > 0n ? owner.sendTransaction({ to: address, value: amounts.gasWei }) : undefined,
      amounts.usdcMinor > 0n ? usdc.getFunction('mint').send(address, amounts.usdcMinor) : undefined,
    ]);
    await Promise.all([gas, minted].map((tx) => tx && minedReceipt(provider, tx.hash)));
    // The mint's hash: what `lanepay treasury fund` books when the address is a treasury Safe.
    return { ...(gas ? { gasTx: gas.hash } : {}), ...(minted ? { usdcTx: (minted as { hash: string }).hash } : {}) };
  } finally {
    provider.destroy();
  }
}

/**
 * Polls for a transaction's receipt and fails on a revert. Not `tx.wait()`: its block listener
 * starts receipt requests it never awaits, and one still in flight when the provider is
 * destroyed just after rejects with nobody to catch it (an unhandled error in a test run).
 */
export async function minedReceipt(provider: JsonRpcProvider, hash: string, timeoutMs = 60_000): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt) {
      if (receipt.status !== 1) throw new Error(`transaction ${hash} reverted in block ${receipt.blockNumber}`);
      return receipt;
    }
    if (Date.now() > deadline) throw new Error(`transaction ${hash} was not mined within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A provider tuned for the local nodes: ethers polls every 4 s by default, which would make
 * every `tx.wait()` take several blocks; the chain id is fixed, so skip re-detecting it.
 */
export function localProvider(rpcUrl: string, chainId?: number): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, pollingInterval: 200 });
}

async function startChain(
  spec: ChainSpec,
  opts: StartChainsOptions,
  compiled: ReturnType<typeof compileTestUsdc>,
): Promise<RunningChain> {
  const rpcUrl = `http://127.0.0.1:${spec.port}`;
  const logFile = path.join(opts.logDir, `chain-${spec.name}.log`);
  const child = spawnNode(spec, logFile);
  const stop = () => stopProcess(child);
  try {
    await waitUntilReady(spec, rpcUrl, child, logFile, opts.startTimeoutMs ?? 90_000);
    const usdcAddress = await deployTestUsdc(rpcUrl, spec.chainId, await compiled);
    return { name: spec.name, chainId: spec.chainId, rpcUrl, usdcAddress, pid: child.pid ?? -1, child, logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function spawnNode(spec: ChainSpec, logFile: string): ChildProcess {
  const logFd = openSync(logFile, 'w');
  try {
    const args = [hardhatCli, 'node', '--config', hardhatConfig, '--hostname', '127.0.0.1', '--port', String(spec.port)];
    return spawn(process.execPath, args, {
      cwd: repoRoot,
      detached: false,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        // Hardhat asks about telemetry on a TTY; CI has no stdin to answer it.
        HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
        HARDHAT_HIDE_SOLIDITY_SURVEY_MESSAGE: 'true',
        LANEPAY_CHAIN_ID: String(spec.chainId),
        LANEPAY_BLOCK_INTERVAL_MS: String(spec.blockIntervalMs ?? 1000),
        LANEPAY_PARENT_PID: String(process.pid),
      },
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(logFd);
  }
}

async function waitUntilReady(
  spec: ChainSpec,
  rpcUrl: string,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const describe = `chain ${spec.name} (chain id ${spec.chainId}, ${rpcUrl})`;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const reason = child.exitCode !== null ? `exit code ${child.exitCode}` : `signal ${child.signalCode}`;
      throw new Error(`${describe} exited during startup (${reason}); see ${logFile}${await logTail(logFile)}`);
    }
    const chainId = await rpcChainId(rpcUrl, Math.max(1_000, deadline - Date.now()));
    if (chainId !== undefined) {
      if (chainId !== spec.chainId) {
        throw new Error(`${describe} answered with chain id ${chainId}; is another node on port ${spec.port}? See ${logFile}`);
      }
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${describe} did not answer eth_chainId within ${timeoutMs} ms; see ${logFile}${await logTail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The node's chain id, or undefined while it does not answer. A closed port fails at once; a node
 * that is up may take seconds for its first answer on a busy machine, so the request waits until
 * the startup deadline: with a fixed 1 s timeout, each try was abandoned just before its answer
 * and the stack failed to start under load (seen at a load average of 30 on 2 cores).
 */
async function rpcChainId(rpcUrl: string, waitMs: number): Promise<number | undefined> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(waitMs),
    });
    const body = (await response.json()) as { result?: string };
    return body.result === undefined ? undefined : Number(BigInt(body.result));
  } catch {
    return undefined;
  }
}

/**
 * Deploys the chain's DepositFactory with the hot wallet as its sweeper, as an operator does
 * once per real chain (docs/pay-ins.md); the stack puts its address in the chain registry.
 */
export async function deployDepositFactory(chain: Pick<RunningChain, 'rpcUrl' | 'chainId'>, hotWallet: string): Promise<string> {
  const compiled = await compileDepositFactory();
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    const deployer = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
    const contract = await new ContractFactory(compiled.abi, compiled.bytecode, deployer).deploy(hotWallet);
    await minedReceipt(provider, contract.deploymentTransaction()!.hash);
    return await contract.getAddress();
  } finally {
    provider.destroy();
  }
}

async function deployTestUsdc(rpcUrl: string, chainId: number, compiled: Awaited<ReturnType<typeof compileTestUsdc>>): Promise<string> {
  const provider = localProvider(rpcUrl, chainId);
  try {
    const deployer = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
    const contract = await new ContractFactory(compiled.abi, compiled.bytecode, deployer).deploy();
    await minedReceipt(provider, contract.deploymentTransaction()!.hash);
    return await contract.getAddress();
  } finally {
    provider.destroy();
  }
}

async function assertValidSpecs(specs: ChainSpec[]): Promise<void> {
  const seen = new Map<number, string>();
  for (const spec of specs) {
    // Hardhat rejects these only after booting, with an unhelpful BigInt error.
    const intervalMs = spec.blockIntervalMs ?? 1000;
    if (!Number.isInteger(intervalMs) || intervalMs < 1) {
      throw new Error(`Chain ${spec.name}: blockIntervalMs must be a positive integer, got ${intervalMs}`);
    }
    const other = seen.get(spec.port);
    if (other !== undefined) throw new Error(`Chains ${other} and ${spec.name} are both configured for port ${spec.port}`);
    seen.set(spec.port, spec.name);
  }
  await Promise.all(
    specs.map(async (spec) => {
      if (!(await isPortFree(spec.port))) {
        throw new Error(`Port ${spec.port} for chain ${spec.name} is already in use (a leftover hardhat node?)`);
      }
    }),
  );
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

async function logTail(logFile: string, lines = 20): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
  return tail === '' ? '' : `\n--- last lines of ${path.basename(logFile)} ---\n${tail}`;
}
