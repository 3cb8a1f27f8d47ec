import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { answersHttp, runLogged, startService, waitUntilReady, type Service } from './process.js';
import { emulatorEnv, serverlessBin, type Endpoints } from './provision.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface OfflinePorts {
  http: number;
  websocket: number;
  lambda: number;
}

export interface OfflineOptions {
  endpoints: Endpoints;
  ports: OfflinePorts;
  /** The validated chain registry, as the JSON the functions parse at cold start. */
  chainRegistry: string;
  runDir: string;
  startTimeoutMs?: number;
  /** A stage of the local target: `local`, or `drill` for the recovery stack of `lanepay dr drill`. */
  stage?: string;
}

/** Where serverless-offline's output goes: the functions' logs and metrics. */
export function offlineLogFile(runDir: string): string {
  return path.join(runDir, 'logs', 'offline.log');
}

/**
 * Starts `serverless offline start --stage local` (or another stage of the local target) against the emulators and waits until it
 * reports ready (or its HTTP port answers). Functions are the esbuild bundles in dist/, which the
 * caller builds first.
 */
export async function startOffline(options: OfflineOptions): Promise<Service> {
  const logFile = offlineLogFile(options.runDir);
  // serverless.yml sets reloadHandler: false: warm handlers, as on Lambda. Dev restarts offline
  // after a rebuild instead (onFunctionsRebuilt).
  const args = [serverlessBin, 'offline', 'start', '--stage', options.stage ?? 'local', '--noSponsor'];

  // Appended, so a restart (dev's rebuilds, scripts/chaos's kills) keeps the functions' earlier
  // logs; the ready line is looked for only in what this start writes.
  const logOffset = fileSize(logFile);
  const service = startService('serverless offline', process.execPath, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...emulatorEnv(options.endpoints),
      LANEPAY_HTTP_PORT: String(options.ports.http),
      LANEPAY_WEBSOCKET_PORT: String(options.ports.websocket),
      LANEPAY_LAMBDA_PORT: String(options.ports.lambda),
      LANEPAY_CHAIN_REGISTRY: options.chainRegistry,
      // Each instance of a function is a worker thread of its own (tens of MB): without a cap, a
      // burst of 100 requests made 200 of them and GBs of memory. Past the cap, invocations queue
      // (patches/serverless-offline+*.patch), as reserved concurrency bounds a function on Lambda.
      SLS_OFFLINE_MAX_INSTANCES_PER_FUNCTION: process.env.LANEPAY_OFFLINE_MAX_INSTANCES ?? '8',
    },
    logFile,
    append: true,
  });
  const httpUrl = `http://127.0.0.1:${options.ports.http}`;
  try {
    // serverless-offline logs "Server ready: http://…" (src/events/http/HttpServer.js) once the
    // HTTP server listens; its plugins (SQS, streams) start before that line.
    await waitUntilReady(
      service,
      async () => logContains(logFile, 'Server ready: ', logOffset) || (await answersHttp(httpUrl)),
      options.startTimeoutMs ?? 60_000,
    );
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

/** Bundles every function once into dist/ (`node esbuild.config.mjs`). */
export async function buildFunctions(runDir: string): Promise<void> {
  await runLogged('Bundling the functions (node esbuild.config.mjs)', process.execPath, ['esbuild.config.mjs'], {
    cwd: repoRoot,
    logFile: path.join(runDir, 'logs', 'esbuild.log'),
  });
}

/**
 * Runs `node esbuild.config.mjs --watch` and waits for its first build. A build error stops the
 * watcher at start-up, so the error shows here rather than as a missing handler later.
 */
export async function watchFunctions(runDir: string): Promise<Service> {
  const logFile = path.join(runDir, 'logs', 'esbuild.log');
  const service = startService('esbuild --watch', process.execPath, ['esbuild.config.mjs', '--watch'], { cwd: repoRoot, logFile });
  try {
    await waitUntilReady(service, async () => logContains(logFile, 'esbuild: watching'), 120_000);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

/**
 * Calls `restart` after `esbuild --watch` rebuilds functions (its log says `esbuild: rebuilt`),
 * once per burst of rebuilds: saving a file in lib/ rebuilds every function that imports it.
 */
export function onFunctionsRebuilt(runDir: string, restart: () => Promise<void>, quietMs = 500): { name: string; stop(): Promise<void> } {
  const logFile = path.join(runDir, 'logs', 'esbuild.log');
  let seen = rebuildCount(logFile);
  let running: Promise<void> = Promise.resolve();
  let lastChangeAt = 0;
  const timer = setInterval(() => {
    const count = rebuildCount(logFile);
    if (count !== seen) {
      seen = count;
      lastChangeAt = Date.now();
      return;
    }
    if (lastChangeAt === 0 || Date.now() - lastChangeAt < quietMs) return;
    lastChangeAt = 0;
    running = running.then(restart).catch((error: unknown) => console.error(`  restarting serverless offline failed: ${(error as Error).message}`));
  }, 200);
  return {
    name: 'rebuild watcher',
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

function rebuildCount(logFile: string): number {
  try {
    return fs.readFileSync(logFile, 'utf8').split('esbuild: rebuilt').length - 1;
  } catch {
    return 0;
  }
}

function logContains(file: string, text: string, fromByte = 0): boolean {
  try {
    return fs.readFileSync(file).subarray(fromByte).toString('utf8').includes(text);
  } catch {
    return false;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
