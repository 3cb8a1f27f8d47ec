import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { creditSandboxFunds, ledgerDecimals } from '#ledger';
import { createMerchant } from '#merchants';
import { retryTransactionConflicts } from '#platform';
import { consoleUrl } from '../../scripts/stack/console-url.js';
import { StackError } from '../../scripts/stack/errors.js';
import type { StackInfo } from '../../scripts/stack/types.js';
import { seedConsoleDemo } from './console-seed.js';
import type { DemoSeed } from './demo-file.js';

/**
 * The fixed parts of the demo, which events/ spells out as they are: only the ids the stack
 * generates (merchant, key, endpoints, payments, events) are templated there.
 */
export const demo = {
  merchantName: 'Demo shop',
  feeBps: 25,
  asset: 'USDC',
  fundingMinor: 1_000_000_000n, // 1,000 USDC
  chargeMinor: 25_000_000n, // 25 USDC, the demo charge a customer pays on its checkout page
  chain: 'local-a',
  destination: '0x52908400098527886E0F7030069857D2E4169EE7',
  payments: {
    paid: { amount: '25000000', capture: 'automatic', description: 'Demo payout, captured at once', metadata: { order_id: 'demo-1001' } },
    held: { amount: '10000000', capture: 'manual', description: 'Demo hold, waiting for capture', metadata: { order_id: 'demo-1002' } },
    to_cancel: { amount: '5000000', capture: 'manual', description: 'Demo hold, for the cancel sample', metadata: { order_id: 'demo-1003' } },
    canceled: { amount: '3000000', capture: 'manual', description: 'Demo hold, canceled by the seed', metadata: { order_id: 'demo-1004' } },
  },
} as const;

/** Where `lanepay demo receiver` listens unless told otherwise (beside `npm run dev`'s 4500-4512). */
export const defaultReceiverPort = 4599;
export const defaultWebhookUrl = `http://127.0.0.1:${defaultReceiverPort}/webhooks`;

export interface SeedOptions {
  webhookUrl: string;
  log: (line: string) => void;
  /** Told the endpoint's secret as soon as it exists, before the payments whose events it signs. */
  onEndpointSecret?: (secret: string) => void;
}

/**
 * Creates a demo merchant with a key and funds, a webhook endpoint to `webhookUrl` (and a spare one
 * for the delete sample), four payments in four states, a charge and a report, through the merchant API as a merchant's
 * server would, so every step's events flow to the endpoint. Each run makes a new merchant.
 */
export async function seedDemo(stack: StackInfo, options: SeedOptions): Promise<DemoSeed> {
  const config = { endpoint: stack.endpoints.dynamodb, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  // As the functions' clients: a transaction that conflicts with another is resent, not refused.
  const dynamodb = retryTransactionConflicts(new DynamoDBClient(config));
  const kms = new KMSClient({ ...config, endpoint: stack.endpoints.kms });
  const digestKey = stack.keys.ApiKeyDigestKey;
  if (!digestKey) throw new StackError('The local stack publishes no ApiKeyDigestKey; restart it with `npm run dev`.');
  try {
    const merchant = await createMerchant(
      { dynamodb, kms, tableName: stack.tableName, apiKeyDigestKeyId: digestKey, stage: 'local', assets: Object.keys(ledgerDecimals) },
      // The platform merchant, so the console's liquidity, audit and KYC review pages have something to show.
      { name: demo.merchantName, feeBps: demo.feeBps, platform: true },
    );
    options.log(`merchant ${merchant.merchant_id} (${demo.merchantName}, the platform merchant) with key ${merchant.key_id}`);
    const transferId = `trf_demo_funding_${merchant.merchant_id}`;
    await creditSandboxFunds(
      { dynamodb, tableName: stack.tableName, stage: 'local' },
      { merchantId: merchant.merchant_id, asset: demo.asset, amountMinor: demo.fundingMinor, transferId },
    );
    options.log(`credited ${demo.fundingMinor} ${demo.asset} minor units`);

    const call = merchantApi(stack.apiUrl, merchant.api_key);
    const { endpoint, spare } = await createEndpoints(call, options);
    const payments = await createPayments(call, merchant.merchant_id, options.log);

    const charge = await call('POST', '/v1/charges', { amount: demo.chargeMinor.toString(), asset: demo.asset, description: 'Demo order #1001' }, `demo-${merchant.merchant_id}-charge`);
    options.log(`charge ${charge.id}: pay it on ${charge.hosted_url}`);

    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    const report = await call('POST', '/v1/reports', { type: 'balance_transactions', interval: { start: dayAgo, end: new Date(Date.now() + 60_000).toISOString() }, format: 'csv' }, `demo-${merchant.merchant_id}-report`);
    options.log(`report ${report.id}: the day's balance transactions as CSV (GET /v1/reports/${report.id} once ready)`);

    // After the payments above, so the policy it sets holds none of them.
    const consoleSeed = await seedConsoleDemo(call, merchant.merchant_id, options.log);
    options.log(`console: ${consoleUrl(stack.apiUrl)} (sign in with a member key above and its TOTP code)`);

    const events = (await call('GET', '/v1/events?limit=100')).data as { id: string; type: string; data: { object: { id: string } } }[];
    const eventOf = (paymentId: string, type: string) => {
      const found = events.find((event) => event.type === type && event.data.object.id === paymentId);
      if (!found) throw new StackError(`The demo's ${type} event for ${paymentId} is missing from GET /v1/events.`);
      return found.id;
    };
    return {
      merchant_id: merchant.merchant_id,
      merchant_name: demo.merchantName,
      key_id: merchant.key_id,
      api_key: merchant.api_key,
      webhook_url: options.webhookUrl,
      endpoint_id: endpoint.id,
      endpoint_secret: endpoint.secret,
      spare_endpoint_id: spare.id,
      funded: { asset: demo.asset, amount: demo.fundingMinor.toString(), transfer_id: transferId },
      payments,
      events: { held_authorized: eventOf(payments.held, 'payment.authorized'), paid_processing: eventOf(payments.paid, 'payment.processing') },
      // API Gateway's connection ids are 12 base64 characters plus `=`; the $connect sample opens this one.
      charge_id: charge.id,
      charge_url: charge.hosted_url,
      realtime_connection_id: `${randomBytes(9).toString('base64').replace(/[+/]/g, 'A')}=`,
      report_id: report.id,
      console: consoleSeed,
    };
  } finally {
    dynamodb.destroy();
    kms.destroy();
  }
}

type MerchantCall = ReturnType<typeof merchantApi>;

/** The receiver's endpoint, and a spare one for the rotate and delete samples. */
async function createEndpoints(call: MerchantCall, options: SeedOptions) {
  const endpoint = await call('POST', '/v1/webhook_endpoints', {
    url: options.webhookUrl,
    events: ['payment.authorized', 'payment.processing', 'payment.succeeded', 'payment.failed', 'payment.canceled', 'payment.expired', 'payment.declined'],
    description: 'lanepay demo receiver',
  });
  options.onEndpointSecret?.(endpoint.secret);
  const spare = await call('POST', '/v1/webhook_endpoints', {
    url: options.webhookUrl,
    // An event the demo never causes, so the receiver (which knows the main secret) sees nothing from it.
    events: ['webhook_endpoint.disabled'],
    description: 'spare endpoint: the samples in events/webhooks/ rotate its secret and delete it',
  });
  options.log(`webhook endpoints ${endpoint.id} and ${spare.id} → ${options.webhookUrl}`);
  return { endpoint, spare };
}

/** The demo's payments, one per state, and the one it cancels. */
async function createPayments(call: MerchantCall, merchantId: string, log: SeedOptions['log']) {
  const payments = {} as Record<keyof typeof demo.payments, string>;
  for (const [name, spec] of Object.entries(demo.payments) as [keyof typeof demo.payments, (typeof demo.payments)[keyof typeof demo.payments]][]) {
    const created = await call('POST', '/v1/payments', { ...spec, asset: demo.asset, chain: demo.chain, destination: demo.destination }, `demo-${merchantId}-${name}`);
    payments[name] = created.id;
    log(`payment ${created.id}: ${spec.amount} ${demo.asset} minor units, ${created.status} (${name})`);
  }
  const canceled = await call('POST', `/v1/payments/${payments.canceled}/cancel`, {}, `demo-${merchantId}-cancel`);
  log(`payment ${payments.canceled}: ${canceled.status}`);
  return payments;
}

/** A JSON call to the merchant API with the demo key; anything but 2xx stops the seed with the problem's detail. */
function merchantApi(apiUrl: string, apiKey: string) {
  return async (method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<any> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    let response: Response;
    try {
      response = await fetch(`${apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      throw new StackError(`The local API at ${apiUrl} does not answer (${(error as Error).message}): is \`npm run dev\` running?`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw new StackError(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  };
}
