import { execFile, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Builds @lanepay/sdk to sdk/dist, as `npm run sdk:build` does. */
export async function buildSdk(): Promise<void> {
  await promisify(execFile)('npm', ['run', 'build', '--workspace', '@lanepay/sdk'], { cwd: repoRoot });
}

export interface ExampleRun {
  child: ChildProcess;
  /** Everything printed so far. */
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/**
 * Runs sdk/examples/<name>.ts in its own Node process as an integrator would: `@lanepay/sdk`
 * resolves through node_modules to the built package (sdk/dist), tsx only strips the types.
 */
export function runExample(name: string, env: Record<string, string>, args: string[] = []): ExampleRun {
  const child = spawn(process.execPath, ['--import', 'tsx', `sdk/examples/${name}.ts`, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

/** A port free on 127.0.0.1 right now, for a process that must know its URL before it starts. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
