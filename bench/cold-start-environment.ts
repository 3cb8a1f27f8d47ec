// The made-up Lambda environment bench:cold-start imports each bundle in (no stack, nothing called).

const address = '0x52908400098527886E0F7030069857D2E4169EE7';
const queue = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/lanepay-bench-${name}`;
/**
 * What the functions read, with made-up values that pass lib/platform/aws/config.ts, as Lambda would hand
 * them (AWS_EXECUTION_ENV set, and AWS_LAMBDA_FUNCTION_NAME by the bench; tracing left on).
 * test/unit/bench/cold-start-environment.test.ts checks that every function's config accepts it.
 */
export const benchEnvironment: Record<string, string> = {
  // As infra/environment.yml sets it for every function: the source map is read at load.
  NODE_OPTIONS: '--enable-source-maps',
  AWS_REGION: 'us-east-1',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_ACCESS_KEY_ID: 'AKIDBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  STAGE: 'dev',
  TABLE_NAME: 'lanepay-bench',
  POWERTOOLS_METRICS_NAMESPACE: 'Lanepay',
  DATA_KEY_ID: 'alias/bench-data',
  API_KEY_DIGEST_KEY_ID: 'alias/bench-digest',
  SHARED_USAGE_KEY: 'bench-shared-usage-key-0000',
  AUDIT_SIGNING_KEY_ID: 'alias/bench-audit-signing',
  AUDIT_ANCHOR_KEY_ID: 'alias/bench-audit-anchor',
  CHAIN_REGISTRY: JSON.stringify([{
    name: 'bench-a', chainId: 31337, rpcUrls: ['http://127.0.0.1:1'], confirmations: 1,
    fees: { type: 'eip1559', maxFeePerGasWei: '100000000000', maxPriorityFeePerGasWei: '1000000000' },
    assets: [{ symbol: 'USDC', address, decimals: 6 }], hotWalletKeyId: 'alias/bench-hot', depositFactory: address,
  }]),
  CHAIN_SUBMIT_QUEUE_URL: queue('chain-submit.fifo'),
  NOTIFY_QUEUE_URL: queue('notify'),
  FLOW_TOTALS_QUEUE_URL: queue('flow-totals'),
  CHAIN_CHECK_QUEUE_URL: queue('chain-check'),
  WEBHOOK_DELIVERY_QUEUE_URL: queue('webhook-delivery'),
  WEBHOOK_DELIVERY_DLQ_URL: queue('webhook-delivery-dlq'),
  KYC_CHECK_QUEUE_URL: queue('kyc-check'),
  REPORTS_QUEUE_URL: queue('reports'),
  TREASURY_QUEUE_URL: queue('treasury'),
  REPORTS_BUCKET: 'lanepay-bench-reports',
  CONSOLE_SESSION_KEY_ID: 'alias/bench-console-session',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:lanepay-bench-alerts',
  CHECKOUT_BASE_URL: 'https://bench.execute-api.us-east-1.amazonaws.com/dev/checkout',
  REFUND_CLAIM_BASE_URL: 'https://bench.execute-api.us-east-1.amazonaws.com/dev/claims',
  REALTIME_WEBSOCKET_URL: 'wss://bench.execute-api.us-east-1.amazonaws.com/dev',
  REALTIME_MANAGEMENT_ENDPOINT: 'https://bench.execute-api.us-east-1.amazonaws.com/dev',
};
