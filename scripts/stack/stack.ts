import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { KmsSigner } from '#lib/chains/kms-signer.js';
import { storeSanctionsIndex } from '#lib/compliance/kyc/sanctions-store.js';
import { startAttestationService } from './attestation.js';
import { deployDepositFactory, fundAddress, startChains, type RunningChain } from './chains.js';
import { bookFundingWhenFinal } from './funding.js';
import { restartElasticMq, startEmulators, type RunningEmulators } from './emulators.js';
import { StackError } from './errors.js';
import { localChainEntries, localChainRegistry, localConfirmations } from './registry.js';
import { installTools } from './install.js';
import { buildFunctions, offlineLogFile, onFunctionsRebuilt, startOffline, watchFunctions, type OfflineOptions } from './offline.js';
import { assertPortFree, tail, type Service } from './process.js';
import { loadResources, localCredentials, provision, region, type Endpoints } from './provision.js';
import { compileSanctionsFilesCached } from './sanctions.js';
import { deployTreasuries, treasuryThresholdSetting, type DeployedTreasuries } from './treasury.js';
import type { StackChain, StackInfo } from './types.js';

export interface StackOptions {
  /** Every port is an offset from this one (see stackPorts). */
  portBase: number;
  /** Logs and emulator state; emptied at start, since the in-memory emulators start empty too. */
  runDir: string;
  /**
   * Dev mode: rebuild functions on change and restart serverless offline after each rebuild, so
   * handlers stay warm between requests as on Lambda (a fresh handler per request, offline's
   * --reloadHandler, took 8-14 GB and fell over under a burst of 100 requests).
   */
  watch: boolean;
  /** ElasticMQ keeps its queues and messages on disk, so `faults.restart('sqs')` loses none (scripts/chaos). */
  durableQueues?: boolean;
  log: (line: string) => void;
}

export interface RunningStack {
  info: StackInfo;
  stop(): Promise<void>;
  /** Settles with a message naming the first component that exited while the stack was up. */
  died: Promise<string>;
  faults: StackFaults;
}

/** The stack's long-running processes, by role. */
export const stackComponents = ['dynamodb', 'sqs', 'kms', 'local-a', 'local-b', 'offline'] as const;
export type StackComponent = (typeof stackComponents)[number];

/**
 * Fault injection for scripts/chaos: signals to a component's processes (SIGSTOP freezes it,
 * SIGCONT resumes it) and a kill followed by a start on the same ports, for the components whose
 * state survives one (serverless offline is stateless; ElasticMQ with `durableQueues`).
 */
export interface StackFaults {
  signal(component: StackComponent, signal: NodeJS.Signals): void;
  restart(component: 'sqs' | 'offline'): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `npm run dev` publishes the running stack's StackInfo, for the CLI and other tools. */
export const stackInfoFile = path.join(repoRoot, '.local', 'stack.json');

export function stackPorts(base: number) {
  return {
    dynamodb: base,
    sqs: base + 1,
    kms: base + 2,
    chainA: base + 3,
    chainB: base + 4,
    attestation: base + 5,
    http: base + 10,
    websocket: base + 11,
    lambda: base + 12,
  };
}

/**
 * One chain per hot-wallet key slot in infra/keys.yml. Each is its own CCTP domain: numbers Circle
 * has not given a chain (lib/chains/cctp.ts), so a local message can never pass for a real one.
 */
const chainSlots = [
  { name: 'local-a', chainId: 31337, keyId: 'HotWalletKeyA', port: 'chainA', cctpDomain: 1000 },
  { name: 'local-b', chainId: 31338, keyId: 'HotWalletKeyB', port: 'chainB', cctpDomain: 1001 },
] as const;

const hotWalletFunding = { gasWei: 100n * 10n ** 18n, usdcMinor: 1_000_000n * 10n ** 6n };

/** A start-up in progress: how to stop each part started so far, and which parts to watch for an early exit. */
interface Startup {
  options: StackOptions;
  ports: ReturnType<typeof stackPorts>;
  stops: { name: string; stop: () => Promise<void> }[];
  watchdog: ReturnType<typeof deathWatch>;
  /** Each component's current process (a restart replaces it). */
  live: Map<StackComponent, LiveProcess>;
  /** Runs one step of the start-up and logs how long it took. */
  step: <T>(what: string, run: () => Promise<T>) => Promise<T>;
}

/**
 * Starts the whole local stage: emulators and chains, the resources serverless.yml declares,
 * funded KMS hot wallets, the function bundles and serverless offline. On failure it stops
 * whatever it had started before rethrowing.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const startup: Startup = {
    options,
    ports: stackPorts(options.portBase),
    stops: [],
    watchdog: deathWatch(),
    live: new Map(),
    step: async (what, run) => {
      const startedAt = Date.now();
      const result = await run();
      options.log(`${what} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      return result;
    },
  };
  const { ports, step } = startup;
  const stop = () => stopStartup(startup);
  try {
    // All at once up front, so a second stack fails before it touches anything.
    await Promise.all(
      Object.entries(ports).map(([purpose, port]) => assertPortFree(port, portPurposes[purpose as keyof typeof ports])),
    );
    fs.rmSync(options.runDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(options.runDir, 'logs'), { recursive: true });

    const tools = await step('tools ready', () => installTools(options.log));
    const endpoints = {
      dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
      sqs: `http://127.0.0.1:${ports.sqs}`,
      kms: `http://127.0.0.1:${ports.kms}`,
      sns: `http://127.0.0.1:${ports.dynamodb}`,
      s3: `http://127.0.0.1:${ports.dynamodb}`,
    };
    const [, chains, resources] = await step('emulators and chains up, functions bundled', () => startServices(startup, tools, endpoints));
    const provisioned = await step('tables, queues and keys created', () => provision(endpoints, resources));
    await step('sanctions list loaded', () => loadSanctionsList(endpoints.dynamodb, provisioned.tableName));
    const [funded, treasuries] = await Promise.all([
      step('hot wallets funded', () => fundHotWallets(chains, provisioned.keys, endpoints.kms)),
      step('treasury Safes and CCTP deployed', () => deployLocalTreasuries(chains, provisioned.keys, endpoints.kms)),
    ]);
    const attestationUrl = await startLocalAttestation(startup, funded, treasuries);
    const stackChains: StackChain[] = funded.map((chain) => {
      const deployed = treasuries.chains.get(chain.name)!;
      return { ...chain, treasury: deployed.treasury, cctp: { ...deployed.cctp, attestationUrl } };
    });
    await step('treasury funding booked', () => bookStackFunding(endpoints, provisioned.tableName, stackChains));
    const offlineOptions: OfflineOptions = {
      endpoints,
      ports: { http: ports.http, websocket: ports.websocket, lambda: ports.lambda },
      chainRegistry: JSON.stringify(localChainEntries(stackChains)),
      runDir: options.runDir,
    };
    await startWatchedOffline(startup, offlineOptions);

    const info: StackInfo = {
      stage: 'local',
      region,
      apiUrl: `http://127.0.0.1:${ports.http}`,
      websocketUrl: `ws://127.0.0.1:${ports.websocket}`,
      endpoints,
      tableName: provisioned.tableName,
      queues: provisioned.queues,
      topics: provisioned.topics,
      buckets: provisioned.buckets,
      keys: provisioned.keys,
      chains: stackChains,
      cctpAttester: { keyAlias: treasuries.attester.keyAlias, address: treasuries.attester.address },
      functionLog: offlineLogFile(options.runDir),
    };
    return { info, stop, died: startup.watchdog.died, faults: stackFaults(startup, tools, offlineOptions) };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Stops what the start-up started, in reverse order: serverless offline before the emulators it polls, and so on. */
async function stopStartup({ stops, watchdog, options }: Startup): Promise<void> {
  watchdog.stopping();
  for (const { name, stop: stopOne } of stops.splice(0).reverse()) {
    await stopOne().catch((error: unknown) => options.log(`stopping ${name} failed: ${(error as Error).message}`));
  }
}

/**
 * The emulators and chains, started side by side with what takes seconds of its own (rendering
 * serverless.yml, bundling the functions), each registering its stop as soon as it is up.
 */
function startServices(startup: Startup, tools: Awaited<ReturnType<typeof installTools>>, endpoints: Endpoints) {
  const { ports, stops, watchdog, options } = startup;
  return settleAll([
    startEmulators(tools, { dynamodb: ports.dynamodb, sqs: ports.sqs, kms: ports.kms }, options.runDir, { durableQueues: options.durableQueues }).then((running: RunningEmulators) => {
      const emulators = ['dynamodb', 'sqs', 'kms'] as const;
      for (const name of emulators) startup.live.set(name, groupProcess(running[name]));
      // The live ones: a restarted ElasticMQ is not the one started here.
      stops.push({ name: 'emulators', stop: async () => void (await Promise.all(emulators.map((name) => startup.live.get(name)!.stop()))) });
      running.services.forEach((service) => watchdog.watch(service));
      return running;
    }),
    startChains(
      chainSlots.map((slot) => ({ name: slot.name, chainId: slot.chainId, port: ports[slot.port] })),
      { logDir: path.join(options.runDir, 'logs') },
    ).then(
      (running: RunningChain[]) => {
        stops.push({ name: 'chains', stop: async () => void (await Promise.all(running.map((chain) => chain.stop()))) });
        running.forEach((chain) => watchdog.watch({ name: `chain ${chain.name} (hardhat)`, child: chain.child, logFile: chain.logFile }));
        // The hardhat node is one process, not a group of its own (chains.ts).
        for (const chain of running) {
          startup.live.set(chain.name as StackComponent, { child: chain.child, signal: (signal) => void chain.child.kill(signal), stop: chain.stop });
        }
        return running;
      },
      // chains.ts throws plain errors; their messages already say what to do.
      (error: Error) => {
        throw new StackError(error.message, { cause: error });
      },
    ),
    loadResources(endpoints),
    options.watch
      ? watchFunctions(options.runDir).then((watcher) => {
        stops.push(watcher);
        watchdog.watch(watcher);
      })
      : buildFunctions(options.runDir),
  ] as const);
}

/** Serverless offline, watched; in dev mode restarted after every rebuild of the functions. */
async function startWatchedOffline(startup: Startup, offlineOptions: OfflineOptions): Promise<void> {
  const { stops, watchdog, step, options } = startup;
  const offline = await step('serverless offline ready', () => startOffline(offlineOptions));
  startup.live.set('offline', groupProcess(offline));
  stops.push({ name: 'serverless offline', stop: () => startup.live.get('offline')!.stop() });
  watchdog.watch(offline);
  if (!options.watch) return;
  const restarts = onFunctionsRebuilt(options.runDir, async () => {
    options.log('functions rebuilt: restarting serverless offline');
    const old = startup.live.get('offline')!;
    watchdog.unwatch(old);
    await old.stop();
    const offline = await step('serverless offline ready again', () => startOffline(offlineOptions));
    startup.live.set('offline', groupProcess(offline));
    watchdog.watch(offline);
  });
  stops.push(restarts);
}

/** A component's current process: how to signal it and stop it. */
interface LiveProcess {
  child: Service['child'];
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** A service started in a process group of its own (process.ts): signals go to the whole group. */
function groupProcess(service: Service): LiveProcess {
  return {
    child: service.child,
    signal: (signal) => {
      if (service.child.pid !== undefined && service.child.exitCode === null && service.child.signalCode === null) process.kill(-service.child.pid, signal);
    },
    stop: () => service.stop(),
  };
}

function stackFaults(startup: Startup, tools: Awaited<ReturnType<typeof installTools>>, offlineOptions: OfflineOptions): StackFaults {
  const { live, watchdog, options, ports } = startup;
  return {
    signal(component, signal) {
      live.get(component)!.signal(signal);
    },
    async restart(component) {
      if (component === 'sqs' && !options.durableQueues) throw new StackError('ElasticMQ keeps its messages in memory here: restarting it would lose them (start the stack with durableQueues).');
      const old = live.get(component)!;
      // Not a death: the watchdog would stop the stack.
      watchdog.unwatch(old);
      old.signal('SIGKILL');
      if (old.child.exitCode === null && old.child.signalCode === null) await new Promise((resolve) => old.child.once('exit', resolve));
      const started = component === 'sqs' ? await restartElasticMq(tools, ports.sqs, options.runDir) : await startOffline(offlineOptions);
      live.set(component, groupProcess(started));
      watchdog.watch(started);
    },
  };
}

const portPurposes: Record<keyof ReturnType<typeof stackPorts>, string> = {
  dynamodb: 'DynamoDB emulator',
  sqs: 'SQS emulator',
  kms: 'KMS emulator',
  chainA: 'chain local-a',
  chainB: 'chain local-b',
  attestation: 'CCTP attestation service',
  http: 'serverless offline HTTP',
  websocket: 'serverless offline WebSocket',
  lambda: 'serverless offline Lambda invoke',
};

/**
 * Awaits every start-up even when one fails, so those that succeeded have registered their stop
 * (the caller stops them) before the first failure is rethrown.
 */
async function settleAll<T extends readonly unknown[]>(
  promises: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The treasury Safe and CCTP on every local chain (scripts/stack/treasury.ts), the attester's KMS key with them. */
async function deployLocalTreasuries(chains: RunningChain[], keys: Record<string, string>, kmsEndpoint: string): Promise<DeployedTreasuries> {
  // Kept open: the attestation service signs with it for as long as the stack runs.
  const kms = new KMSClient({ endpoint: kmsEndpoint, region, credentials: localCredentials });
  const specs = chainSlots.map((slot) => ({ ...chains.find((c) => c.name === slot.name)!, domain: slot.cctpDomain }));
  try {
    return await deployTreasuries({ chains: specs, keys, kms, threshold: treasuryThresholdSetting('local'), stage: 'local' });
  } catch (error) {
    kms.destroy();
    throw error;
  }
}

/**
 * The attestation service (scripts/stack/attestation.ts) on its port of the stack, attesting each
 * chain's messages once they have the confirmations the chain registry gives the chain.
 */
async function startLocalAttestation(startup: Startup, chains: Omit<StackChain, 'treasury' | 'cctp'>[], treasuries: DeployedTreasuries): Promise<string> {
  const service = await startAttestationService({
    port: startup.ports.attestation,
    attester: { address: treasuries.attester.address, signDigest: (digest) => treasuries.attester.signer.signDigest(digest) },
    chains: chains.map((chain) => ({
      name: chain.name, chainId: chain.chainId, rpcUrl: chain.rpcUrl,
      domain: treasuries.chains.get(chain.name)!.cctp.domain,
      messageTransmitter: treasuries.chains.get(chain.name)!.cctp.messageTransmitter,
      confirmations: localConfirmations,
    })),
    log: startup.options.log,
  });
  startup.stops.push({ name: 'attestation service', stop: async () => {
    await service.close();
    treasuries.attester.signer.kms.destroy();
  } });
  return service.url;
}

/** Derives each chain's hot-wallet address from its KMS key, gives it gas and USDC to pay out, deploys its deposit factory (and gives the audit anchoring wallet gas). */
async function fundHotWallets(chains: RunningChain[], keys: Record<string, string>, kmsEndpoint: string): Promise<Omit<StackChain, 'treasury' | 'cctp'>[]> {
  const kms = new KMSClient({ endpoint: kmsEndpoint, region, credentials: localCredentials });
  try {
    return await Promise.all(
      chainSlots.map(async (slot) => {
        const chain = chains.find((c) => c.name === slot.name)!;
        const keyAlias = keys[slot.keyId];
        if (keyAlias === undefined) {
          throw new StackError(`serverless.yml has no KMS key ${slot.keyId} with an alias; the local chain ${slot.name} needs it as its hot wallet (infra/keys.yml).`);
        }
        const hotWallet = await new KmsSigner(kms, keyAlias).getAddress();
        const funded = await fundAddress(chain, hotWallet, hotWalletFunding);
        const depositFactory = await deployDepositFactory(chain, hotWallet);
        // The audit anchoring wallet (infra/audit.yml) sends its anchors on the registry's first chain.
        const anchorKey = keys.AuditAnchorKey;
        if (slot === chainSlots[0] && anchorKey) await fundAddress(chain, await new KmsSigner(kms, anchorKey).getAddress(), { gasWei: hotWalletFunding.gasWei, usdcMinor: 0n });
        return { name: chain.name, chainId: chain.chainId, rpcUrl: chain.rpcUrl, usdcAddress: chain.usdcAddress, hotWallet, keyAlias, hotWalletFundingTx: funded.usdcTx!, depositFactory };
      }),
    );
  } finally {
    kms.destroy();
  }
}


/**
 * Notices a component that exits on its own (a crash, an out-of-memory kill) while the stack is
 * up, so `npm run dev` can say which one and stop the rest instead of holding the ports half-up.
 */
function deathWatch() {
  let stopping = false;
  let report: (message: string) => void = () => {};
  const died = new Promise<string>((resolve) => {
    report = resolve;
  });
  // By process: a restart's caller unwatches the process it holds, not the object that was watched.
  const listeners = new Map<Service['child'], () => void>();
  return {
    died,
    stopping: () => {
      stopping = true;
    },
    watch(service: Pick<Service, 'name' | 'child' | 'logFile'>) {
      const onExit = () => {
        if (stopping) return;
        const how = service.child.exitCode !== null ? `exit code ${service.child.exitCode}` : `signal ${service.child.signalCode}`;
        report(`${service.name} stopped unexpectedly (${how}). Last lines of ${service.logFile}:\n${tail(service.logFile)}`);
      };
      listeners.set(service.child, onExit);
      service.child.once('exit', onExit);
    },
    unwatch(service: Pick<Service, 'child'>) {
      const onExit = listeners.get(service.child);
      if (onExit) service.child.off('exit', onExit);
      listeners.delete(service.child);
    },
  };
}

/**
 * Books each Safe's starting USDC (the mint deployTreasuries sent) and each hot wallet's (the mint
 * fundHotWallets sent) in the ledger, so a fresh stack's `treasury:<chain>` matches its Safe and
 * `hotwallet:<chain>` its hot wallet, as an operator books a deposit with `lanepay treasury fund
 * [--into hot-wallet]`. No merchant exists yet, so nothing is bound to the treasury: the bookings go
 * to the platform accounts, which need no merchant, without an audit record (bookFunding). The
 * mints are final at once (one confirmation, mined before this runs); booking is idempotent per log anyway.
 */
async function bookStackFunding(endpoints: Endpoints, tableName: string, chains: StackChain[]): Promise<void> {
  const dynamodb = new DynamoDBClient({ region, credentials: localCredentials, endpoint: endpoints.dynamodb, maxAttempts: 2 });
  const kms = new KMSClient({ region, credentials: localCredentials, endpoint: endpoints.kms });
  try {
    const registry = localChainRegistry(chains);
    const adapters = new Map(registry.chains.map((chain) => [chain.name, new EvmAdapter(chain, kms)]));
    const deps = { dynamodb, tableName, chains: registry, adapter: (name: string) => adapters.get(name)!, now: () => new Date() };
    for (const chain of chains) {
      await bookFundingWhenFinal(deps, { chain: chain.name, txHash: chain.hotWalletFundingTx, into: 'hot_wallet' });
      // Only the first chain's treasury starts funded (scripts/stack/treasury.ts).
      if (chain.treasury.fundingTx) await bookFundingWhenFinal(deps, { chain: chain.name, txHash: chain.treasury.fundingTx, into: 'treasury' });
    }
  } finally {
    dynamodb.destroy();
    kms.destroy();
  }
}

/** The snapshot in data/ofac, so the stack screens names out of the box (compiled once, then cached). */
async function loadSanctionsList(endpoint: string, tableName: string): Promise<void> {
  const dir = path.join(repoRoot, 'data', 'ofac');
  const index = compileSanctionsFilesCached({ sdn: path.join(dir, 'sdn.csv'), alt: path.join(dir, 'alt.csv'), add: path.join(dir, 'add.csv') });
  const dynamodb = new DynamoDBClient({ region, credentials: localCredentials, endpoint, maxAttempts: 2 });
  try {
    await storeSanctionsIndex({ dynamodb, tableName, now: () => new Date() }, index);
  } finally {
    dynamodb.destroy();
  }
}
