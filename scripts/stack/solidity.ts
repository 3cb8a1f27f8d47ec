import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InterfaceAbi } from 'ethers';
import solc from 'solc';

export interface CompiledContract {
  abi: InterfaceAbi;
  bytecode: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);


// Pinned rather than solc's default so the bytecode runs on whatever hardfork the local node picks.
const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

/** contracts/TestUSDC.sol, the local stand-in for USDC. */
export function compileTestUsdc(): Promise<CompiledContract> {
  return compileContract('TestUSDC.sol', 'TestUSDC');
}

/** contracts/DepositFactory.sol, the factory of the charges' deposit addresses (CREATE2 forwarders). */
export function compileDepositFactory(): Promise<CompiledContract> {
  return compileContract('DepositFactory.sol', 'DepositFactory');
}

/** contracts/cctp/LocalMessageTransmitterV2.sol: CCTP V2's MessageTransmitterV2, on the local chains. */
export function compileMessageTransmitter(): Promise<CompiledContract> {
  return compileContract('cctp/LocalMessageTransmitterV2.sol', 'LocalMessageTransmitterV2');
}

/** contracts/cctp/LocalTokenMessengerV2.sol: CCTP V2's TokenMessengerV2 (and its minter's part), on the local chains. */
export function compileTokenMessenger(): Promise<CompiledContract> {
  return compileContract('cctp/LocalTokenMessengerV2.sol', 'LocalTokenMessengerV2');
}

/** contracts/test/DustSprayer.sol: many token transfers in one transaction, for the dust-flood attack test. */
export function compileDustSprayer(): Promise<CompiledContract> {
  return compileContract('test/DustSprayer.sol', 'DustSprayer');
}

/**
 * Compiles a contract of contracts/ with the bundled solc-js (no compiler download).
 * Compiling takes seconds, so the output is cached on disk, keyed by everything that changes it.
 */
async function compileContract(contractFile: string, contractName: string): Promise<CompiledContract> {
  const source = await readFile(path.join(repoRoot, 'contracts', contractFile), 'utf8');
  const cacheFile = path.join(cacheRoot(), 'solidity', `${contractName}-${await cacheKey(source + await localImports(contractFile, source))}.json`);

  const cached = await readFile(cacheFile, 'utf8').catch(() => undefined);
  if (cached !== undefined) return JSON.parse(cached) as CompiledContract;

  const compiled = compile(contractFile, contractName, source);
  await mkdir(path.dirname(cacheFile), { recursive: true });
  // Write-then-rename so a parallel run never reads a half-written cache file.
  const tmpFile = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmpFile, JSON.stringify(compiled));
  await rename(tmpFile, cacheFile);
  return compiled;
}

/** The text of every file of contracts/ that a source imports (relative imports), for the cache key. */
async function localImports(contractFile: string, source: string, seen = new Set<string>()): Promise<string> {
  let text = '';
  for (const [, relative] of source.matchAll(/import\s[^;]*?["'](\.{1,2}\/[^"']+)["']/g)) {
    const file = path.join(path.dirname(contractFile), relative!);
    if (seen.has(file)) continue;
    seen.add(file);
    const imported = await readFile(path.join(repoRoot, 'contracts', file), 'utf8');
    text += imported + await localImports(file, imported, seen);
  }
  return text;
}

function cacheRoot(): string {
  return process.env.LANEPAY_CACHE ?? path.join(os.homedir(), '.cache', 'lanepay');
}

// The OpenZeppelin version pins every imported file, so hashing it stands in for hashing them all.
async function cacheKey(source: string): Promise<string> {
  const ozPackage = await readFile(require.resolve('@openzeppelin/contracts/package.json'), 'utf8');
  const ozVersion = (JSON.parse(ozPackage) as { version: string }).version;
  return createHash('sha256')
    .update(JSON.stringify({ source, ozVersion, solc: solc.version(), settings }))
    .digest('hex')
    .slice(0, 16);
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string } } }>>;
}

function compile(contractFile: string, contractName: string, source: string): CompiledContract {
  const input = { language: 'Solidity', sources: { [contractFile]: { content: source } }, settings };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: resolveImport })) as SolcOutput;

  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`Compiling ${contractFile} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const contract = output.contracts?.[contractFile]?.[contractName];
  if (contract === undefined) throw new Error(`solc output has no ${contractName} in ${contractFile}`);
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

// solc calls this synchronously for every import it cannot find among the given sources.
function resolveImport(importPath: string): { contents: string } | { error: string } {
  try {
    const fsPath = importPath.startsWith('@')
      ? require.resolve(importPath)
      : path.join(repoRoot, 'contracts', importPath);
    return { contents: readFileSync(fsPath, 'utf8') };
  } catch (error) {
    return { error: `cannot resolve ${importPath}: ${(error as Error).message}` };
  }
}
