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
  /** Dev mode: a fresh handler per request, so bundles rebuilt by `esbuild --watch` are picked up. */
  reloadHandler: boolean;
  startTimeoutMs?: number;
}

/**
 * Starts `serverless offline start --stage local` against the emulators and waits until it
 * reports ready (or its HTTP port answers). Functions are the esbuild bundles in dist/, which the
 * caller builds first.
 */
export async function startOffline(options: OfflineOptions): Promise<Service> {
  const logFile = path.join(options.runDir, 'logs', 'offline.log');
  const args = [serverlessBin, 'offline', 'start', '--stage', 'local', '--noSponsor'];
  // serverless.yml sets reloadHandler: false (warm containers, like Lambda); dev trades that for
  // seeing every rebuild without a restart.
  if (options.reloadHandler) args.push('--reloadHandler');

  const service = startService('serverless offline', process.execPath, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...emulatorEnv(options.endpoints),
      LANEPAY_HTTP_PORT: String(options.ports.http),
      LANEPAY_WEBSOCKET_PORT: String(options.ports.websocket),
      LANEPAY_LAMBDA_PORT: String(options.ports.lambda),
      LANEPAY_CHAIN_REGISTRY: options.chainRegistry,
    },
    logFile,
  });
  const httpUrl = `http://127.0.0.1:${options.ports.http}`;
  try {
    // serverless-offline logs "Server ready: http://…" (src/events/http/HttpServer.js) once the
    // HTTP server listens; its plugins (SQS, streams) start before that line.
    await waitUntilReady(
      service,
      async () => logContains(logFile, 'Server ready: ') || (await answersHttp(httpUrl)),
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

function logContains(file: string, text: string): boolean {
  try {
    return fs.readFileSync(file, 'utf8').includes(text);
  } catch {
    return false;
  }
}
