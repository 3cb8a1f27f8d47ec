import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StackError } from './errors.js';

/** Fails with a message naming the port and its purpose when something already listens there. */
export async function assertPortFree(port: number, purpose: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new StackError(
      `Port ${port} (${purpose}) is already in use. Stop whatever listens there ` +
        `(\`ss -ltnp 'sport = :${port}'\` shows it), or choose other ports with LANEPAY_PORT_BASE.`,
    );
  }
}

/** Fails with what to install when a command the stack needs is not on PATH. */
export function requireCommand(command: string, args: string[], hint: string): void {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new StackError(`\`${command}\` is not available. ${hint}`);
  }
}

/** Runs a command to completion, sending its output to a log file; fails naming the log. */
export async function runLogged(
  what: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string },
): Promise<void> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', log, log],
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) {
      throw new StackError(`${what} failed (exit ${code}). See ${options.logFile}.`);
    }
  } finally {
    fs.closeSync(log);
  }
}

export interface Service {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts a long-running emulator with its output in a log file. */
export function startService(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string; append?: boolean },
): Service {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, options.append ? 'a' : 'w');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', log, log],
    // Own process group, so stopping kills whatever the service forked too.
    detached: true,
  });
  fs.closeSync(log);
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return { name, child, logFile: options.logFile, stop: () => stopChild(child) };
}

const liveChildren = new Set<ChildProcess>();

// Last line of defence: a crashed or interrupted parent must not leave emulators behind.
process.once('exit', () => {
  for (const child of liveChildren) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Waits until `probe` succeeds, failing early when the service exits, and with a message naming
 * the service and its log when the deadline passes.
 */
export async function waitUntilReady(
  service: Service,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new StackError(
        `${service.name} exited during start-up (code ${service.child.exitCode}). See ${service.logFile}:\n` +
          tail(service.logFile),
      );
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new StackError(`${service.name} did not answer within ${timeoutMs} ms. See ${service.logFile}:\n${tail(service.logFile)}`);
}

export function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** True when an HTTP server answers at `url` with any status. */
export async function answersHttp(url: string, init?: RequestInit): Promise<boolean> {
  try {
    await fetch(url, { ...init, signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}
