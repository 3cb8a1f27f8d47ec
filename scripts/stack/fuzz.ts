import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '#api/openapi/document.js';
import { cnResidentIdCheckCharacter } from '#lib/compliance/kyc/documents/index.js';
import { ensureSchemathesis } from './install.js';

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const configFile = path.join(assets, 'schemathesis.toml');
const hooksFile = path.join(assets, 'schemathesis_hooks.py');

export const allPhases = ['examples', 'coverage', 'fuzzing', 'stateful'];
/** What a further seed adds: the phases whose cases depend on the seed. */
export const seedPhases = ['fuzzing', 'stateful'];

/** The seed every run uses first, so a failure it finds reproduces on any machine. */
export const fixedFuzzSeed = 14;

export interface FuzzOptions {
  apiUrl: string;
  /** A funded merchant's secret key. */
  apiKey: string;
  /** Chain names this stack serves (`local-a`, ...). */
  chains: string[];
  /** The URL a webhook endpoint may be registered with on this stack (a loopback listener). */
  webhookUrl: string;
  seed: number;
  /** Where the document and reports go. */
  workDir: string;
  /** Seconds for the whole run: examples and coverage run in full, fuzzing and stateful testing fill the rest. */
  maxTimeSeconds: number;
  /**
   * Phases to run. Coverage and examples do not depend on the seed, so a second seed runs only
   * fuzzing and stateful testing (`seedPhases`).
   */
  phases?: string[];
  log?: (line: string) => void;
  /** Marks a charge paid and final (scripts/stack/credit-charge.ts), so the run has a refund to start from. */
  creditCharge: (chargeId: string, receivedMinor: bigint, chain: string) => Promise<unknown>;
}

export interface FuzzRun {
  seed: number;
  passed: boolean;
  /** Schemathesis's own report: each failure with the curl command that reproduces it. */
  output: string;
}

/**
 * The document as this stack serves it: the fields whose accepted values depend on the deployment
 * (the chains and assets it is configured with, the hosts a webhook may reach) narrowed to what
 * this stack accepts, so generated data exercises the code behind validation rather than the
 * deployment's configuration.
 */
export function stackContract(options: Pick<FuzzOptions, 'apiUrl' | 'chains' | 'webhookUrl'>, customerIds: string[] = []): Record<string, unknown> {
  type Doc = {
    servers: unknown;
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { example?: Record<string, unknown> }> } }>>;
    components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
  };
  const document = structuredClone(openApiDocument()) as Doc;
  const { schemas } = document.components;
  document.paths['/v1/webhook_endpoints']!.post!.requestBody!.content['application/json']!.example!.url = options.webhookUrl;
  schemas.CreatePayment!.properties.chain = { type: 'string', enum: options.chains };
  schemas.CreatePayment!.properties.asset = { type: 'string', enum: ['USDC'] };
  schemas.CreateWebhookEndpoint!.properties.url = { type: 'string', enum: [options.webhookUrl] };
  // Charges are opened on the chains with a deposit factory, in the assets they carry.
  schemas.CreateCharge!.properties.asset = { type: 'string', enum: ['USDC'] };
  schemas.CreateCharge!.properties.chains = { type: 'array', items: { type: 'string', enum: options.chains }, minItems: 1, maxItems: options.chains.length, uniqueItems: true };
  // A refund's chain, like a payment's, is one this stack runs (another is a 400, as for payments).
  schemas.CreateRefund!.properties.chain = { type: 'string', enum: options.chains };
  // A report's interval ends after it starts and spans at most 367 days, a relation between two
  // fields no JSON Schema states (another is a 400): bounds every pairing of which is one.
  schemas.CreateReport!.properties.interval = {
    type: 'object', additionalProperties: false, required: ['start', 'end'],
    properties: { start: { type: 'string', enum: ['2026-11-01T00:00:00Z', '2026-11-30T23:59:59.999+08:00'] }, end: { type: 'string', enum: ['2026-12-01T00:00:00Z', '2027-01-01T00:00:00-05:00'] } },
  };
  // A payment's customer must be one of the merchant's (an unknown one is a 400, as the KYC gate
  // wants): this merchant's customers, like the chains, are what this stack accepts.
  if (customerIds.length > 0) schemas.CreatePayment!.properties.customer = { type: 'string', enum: customerIds };
  document.servers = [{ url: options.apiUrl, description: 'The stack under test' }];
  return document;
}

const unlimitedMinor = `1${'0'.repeat(33)}`;

/**
 * Risk overrides for the fuzzing merchant: limits above the largest amount the API accepts (30
 * digits), so schema-valid payments authorize and stateful testing reaches capture and cancel.
 * Fund the merchant with `fuzzFundingMinor`.
 */
export const fuzzMerchantRisk = {
  maxPerPaymentMinor: { USDC: unlimitedMinor },
  dailyVolumePerMerchantMinor: { USDC: unlimitedMinor },
  dailyVolumePerDestinationMinor: { USDC: unlimitedMinor },
  kyc: { thresholdMinor: { USDC: unlimitedMinor } },
};
export const fuzzFundingMinor = 10n ** 33n;

/**
 * Payouts at or above this wait for an approval, so the run has approval requests to list and to
 * approve or reject (the fuzzer holds an API key: deciding answers 401, listing 200). Few generated
 * amounts reach it; those that do are 201 requires_approval like any other.
 */
export const fuzzApprovalThresholdMinor = '100000000000000000000';
export const fuzzApprovalPolicy = {
  payouts: { at_or_above: fuzzApprovalThresholdMinor, approvals: 1 },
  admin_changes: { approvals: 0 },
  expires_after_seconds: 86_400,
};

/** Ids of objects a run starts from, offered to the operations taking them (dictionaries). */
export interface SeededIds {
  'payment-ids': string[];
  'endpoint-ids': string[];
  'event-ids': string[];
  'customer-ids': string[];
  'verification-ids': string[];
  'charge-ids': string[];
  'approval-ids': string[];
  'refund-ids': string[];
  'report-ids': string[];
  'claim-ids': string[];
  'member-ids': string[];
  'review-verification-ids': string[];
  /** Verified customers no operation erases: their personal data can always be revealed. */
  'pii-customer-ids': string[];
}

/**
 * Objects a run starts from: authorized payments with manual capture (and so their events) and
 * webhook endpoints. Schemathesis offers their ids to the operations taking an id half of the time
 * (scripts/stack/assets/schemathesis.toml), so capture, cancel, delete and the event operations are
 * reached with ids that exist, whatever the seed; the other half are generated.
 */
export async function seedFuzzData(options: Pick<FuzzOptions, 'apiUrl' | 'apiKey' | 'webhookUrl' | 'chains' | 'creditCharge'>): Promise<{ ids: SeededIds; paymentCustomers: string[] }> {
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${options.apiUrl}${route}`, {
      method,
      headers: { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw new Error(`Seeding the fuzz run: ${method} ${route} answered ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ id: string; data?: { id: string }[] }>;
  };
  const ids: SeededIds = { 'payment-ids': [], 'endpoint-ids': [], 'event-ids': [], 'customer-ids': [], 'verification-ids': [], 'charge-ids': [], 'approval-ids': [], 'refund-ids': [], 'report-ids': [], 'claim-ids': [], 'member-ids': [], 'review-verification-ids': [], 'pii-customer-ids': [] };
  // Two pools of customers, each verified with a document number of its own (one another customer
  // gave is a review reason, document_reused). The first is offered to the operations that take a
  // customer id, and so to fuzzed verifications and erasures: one with an invalid document rejects its
  // customer, which then declines every payment naming it. The second is only what a payment may
  // name, so schema-valid payments are not all declined kyc_rejected once fuzzing has rejected the first.
  const verifiedCustomer = async (i: number) => {
    const customer = (await call('POST', '/v1/customers', { external_id: `fuzz-${i}` })).id;
    const first17 = `110105${'19740812'}${String(100 + i)}`;
    const verification = {
      name: `Anna Maria Eriksson ${'abcdefgh'[i]}`, birth_date: '1974-08-12', nationality: 'CN',
      document: { type: 'cn_resident_id', number: first17 + cnResidentIdCheckCharacter(first17) },
    };
    return { customer, verification: (await call('POST', `/v1/customers/${customer}/verifications`, verification)).id };
  };
  for (let i = 0; i < 3; i += 1) {
    const { customer, verification } = await verifiedCustomer(i);
    ids['customer-ids'].push(customer);
    ids['verification-ids'].push(verification);
  }
  // Out of the erasable pool: the fuzzer erases those above (then 410 pii_erased), which left the PII
  // reveal answering mostly 410s and 404s to schema-valid requests.
  for (let i = 6; i < 8; i += 1) ids['pii-customer-ids'].push((await verifiedCustomer(i)).customer);
  // A verification sent to review (a sanctions match), for the platform operator's queue and its
  // resolution (the fuzz merchant is the platform merchant); its customer is in neither pool.
  const listed = await call('POST', '/v1/customers', { external_id: 'fuzz-review' });
  const listedFirst17 = '11010519840108123';
  ids['review-verification-ids'].push((await call('POST', `/v1/customers/${listed.id}/verifications`, {
    name: 'Kim Jong Un', birth_date: '1984-01-08', nationality: 'CN', document: { type: 'cn_resident_id', number: listedFirst17 + cnResidentIdCheckCharacter(listedFirst17) },
  })).id);
  // Members to list and revoke (admin changes are not held under fuzzApprovalPolicy: added at once).
  for (let i = 0; i < 3; i += 1) ids['member-ids'].push((await call('POST', '/v1/members', { email: `fuzz-${i}@example.com`, role: 'approver' })).id);
  const paymentCustomers: string[] = [];
  for (let i = 3; i < 6; i += 1) paymentCustomers.push((await verifiedCustomer(i)).customer);
  for (let i = 0; i < 3; i += 1) {
    ids['endpoint-ids'].push((await call('POST', '/v1/webhook_endpoints', { url: options.webhookUrl, events: ['*'] })).id);
  }
  for (let i = 0; i < 8; i += 1) {
    const payment = { amount: '1000000', asset: 'USDC', chain: options.chains[i % options.chains.length], destination: '0x52908400098527886E0F7030069857D2E4169EE7', capture: 'manual' };
    ids['payment-ids'].push((await call('POST', '/v1/payments', payment)).id);
  }
  for (let i = 0; i < 4; i += 1) {
    ids['charge-ids'].push((await call('POST', '/v1/charges', i % 2 === 0 ? { amount: '1000000', asset: 'USDC' } : { asset: 'USDC' })).id);
  }
  // A charge paid (marked credited on the stack) with a refund of part of it: refunds to read, and
  // room on it for fuzzed refunds to be accepted.
  await options.creditCharge(ids['charge-ids'][0]!, 1_000_000n, options.chains[0]!);
  ids['refund-ids'].push((await call('POST', `/v1/charges/${ids['charge-ids'][0]}/refunds`, { amount: '100000', destination: '0x52908400098527886E0F7030069857D2E4169EE7', chain: options.chains[0] })).id);
  const today = { start: new Date(Date.now() - 86_400_000).toISOString(), end: new Date(Date.now() + 86_400_000).toISOString() };
  ids['report-ids'].push((await call('POST', '/v1/reports', { type: 'balance_transactions', interval: today, format: 'parquet' })).id);
  // A claim refund: its claim is offered to the public claim operation (the fuzzer cannot sign, so it
  // meets the signature check and the claim's other refusals, not only 404s).
  const claimRefund = await call('POST', `/v1/charges/${ids['charge-ids'][0]}/refunds`, { amount: '100000', claim: true, chain: options.chains[0] }) as { id: string; claim_url?: string };
  ids['refund-ids'].push(claimRefund.id);
  ids['claim-ids'].push(claimRefund.claim_url!.split('/').pop()!);
  for (let i = 0; i < 3; i += 1) {
    const payment = { amount: fuzzApprovalThresholdMinor, asset: 'USDC', chain: options.chains[i % options.chains.length], destination: '0x52908400098527886E0F7030069857D2E4169EE7' };
    const held = await call('POST', '/v1/payments', payment) as { id: string; approval_id?: string };
    if (!held.approval_id) throw new Error('Seeding the fuzz run: a payment at the approval threshold was not held; the fuzz merchant needs fuzzApprovalPolicy.');
    ids['approval-ids'].push(held.approval_id);
  }
  // Events are written in their payment's transaction (outbox), so they are listed at once.
  ids['event-ids'] = ((await call('GET', '/v1/events?limit=20')).data ?? []).map((event) => event.id);
  return { ids, paymentCustomers };
}

/** Runs every Schemathesis phase and check against the stack; resolves with its report either way. */
export async function runContractFuzz(options: FuzzOptions): Promise<FuzzRun> {
  const log = options.log ?? (() => {});
  const python = await ensureSchemathesis(log);
  fs.mkdirSync(options.workDir, { recursive: true });
  const documentFile = path.join(options.workDir, 'openapi.json');
  const logFile = path.join(options.workDir, `schemathesis-${options.seed}.log`);
  const runConfigFile = path.join(options.workDir, 'schemathesis.toml');
  // The checked-in settings, plus what only this run knows: the hooks' path and the seeded ids.
  const { ids: seeded, paymentCustomers } = await seedFuzzData(options);
  fs.writeFileSync(documentFile, JSON.stringify(stackContract(options, paymentCustomers), null, 2));
  const dictionaries = Object.entries(seeded).map(([name, values]) => `[dictionaries.${name}]\nvalues = ${JSON.stringify(values)}\n`).join('\n');
  const runSettings = `hooks = ${JSON.stringify(hooksFile)}\n${fs.readFileSync(configFile, 'utf8')}`
    .replace('\n[[operations]]', `\n${dictionaries}\n[[operations]]`);
  // A further seed (fuzzing and stateful only, a minute) fails on validation mismatches but not on
  // missing test data: on the test stack holds expire after 20 s, so its seeded payments can all be
  // expired before fuzzing reaches capture. The first run, with every phase, enforces both.
  const seedOnly = !(options.phases ?? allPhases).includes('coverage');
  fs.writeFileSync(runConfigFile, seedOnly ? runSettings.replace('"missing_test_data", ', '') : runSettings);
  const args = [
    '-m', 'schemathesis.cli', '--config-file', runConfigFile, 'run', documentFile,
    '--url', options.apiUrl,
    '--checks', 'all', '--exclude-checks', 'unsupported_method,allow_header_conformance',
    '--phases', (options.phases ?? allPhases).join(','),
    '--seed', String(options.seed),
    '--max-time', String(options.maxTimeSeconds),
    '--report', process.env.LANEPAY_FUZZ_REPORTS ?? 'junit', '--report-dir', path.join(options.workDir, 'report'),
    '--output-truncate', 'false',
  ];
  log(`schemathesis ${args.slice(3).join(' ')} (output in ${logFile})`);
  const output = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
    const child = spawn(python, args, {
      // Schemathesis keeps a cache folder in its working directory: the run's, not the repository.
      cwd: options.workDir,
      env: { ...process.env, LANEPAY_FUZZ_API_KEY: options.apiKey, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    // Written as it comes, so a long run can be followed with tail -f.
    const append = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      fs.appendFileSync(logFile, chunk);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, text }));
  });
  return { seed: options.seed, passed: output.code === 0, output: output.text };
}
