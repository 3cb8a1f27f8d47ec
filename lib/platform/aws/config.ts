// zod/mini: configuration is validated once at cold start by every function, the authorizer among
// them, whose bundle then carries no classic zod at all (its methods on every schema cost about 55
// KiB and the time to build them). The checks and messages are zod's own either way.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Classic zod sets its English messages when imported; zod/mini does not, and a function that
// carries no classic zod (the authorizer) would say "Invalid input" of every bad value.
z.config(en());

/** Raised at cold start when the environment does not describe a usable deployment. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const stageSchema = z.enum(['local', 'dev', 'prod']);

/** A string of at least `length` characters (zod's `.min(length)`). */
function nonEmpty(length = 1) {
  return z.string().check(z.minLength(length));
}

/** A whole number of seconds or a count, coerced from the variable's text, within `min`..`max`. */
function wholeNumber(bounds: { min?: number; max?: number; positive?: boolean }, fallback: number) {
  const checks = [
    z.int(),
    ...(bounds.positive ? [z.positive()] : []),
    ...(bounds.min === undefined ? [] : [z.gte(bounds.min)]),
    ...(bounds.max === undefined ? [] : [z.lte(bounds.max)]),
  ];
  return z._default(z.coerce.number().check(...checks), fallback);
}

/** Variables every function needs. Functions extend this with what they alone read. */
export const baseConfigSchema = z.object({
  STAGE: stageSchema,
  AWS_REGION: nonEmpty(),
  TABLE_NAME: nonEmpty(),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']), 'INFO'),
});

export type Stage = z.infer<typeof stageSchema>;

/**
 * Validates `env` against `schema` once, failing with every missing or malformed variable named,
 * so a misconfigured deployment dies at cold start rather than on the first request that needs it.
 */
export function loadConfig<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    return value === undefined
      ? `${name} is not set`
      : `${name} is invalid (${issue.message})`;
  });
  throw new ConfigError(
    `Lanepay configuration is incomplete: ${problems.join('; ')}. ` +
      'Set these environment variables (serverless.yml sets them on AWS; the local stack sets them for you).',
  );
}

/** Functions that read or change payments. */
export const paymentsConfigSchema = z.extend(baseConfigSchema, {
  /** JSON array of chains (lib/chains/registry.ts), validated when the registry is built. */
  CHAIN_REGISTRY: nonEmpty(2),
  /** How long a manual-capture hold lives (default 7 days). */
  HOLD_EXPIRY_SECONDS: wholeNumber({ positive: true }, 7 * 24 * 3600),
});

/** refunds: the refund routes and the refunds' public claim pages. */
export const refundsConfigSchema = z.extend(paymentsConfigSchema, {
  /** Public base of the refund claim pages; a claim refund's `claim_url` is `<base>/<claim id>`. */
  REFUND_CLAIM_BASE_URL: z.url(),
});

/** approvals: the approval endpoints and the expiry sweep of pending requests. */
export const approvalsConfigSchema = z.extend(baseConfigSchema, {
  /** How long a manual-capture hold lives; an approved manual payment is authorized for this long. */
  HOLD_EXPIRY_SECONDS: wholeNumber({ positive: true }, 7 * 24 * 3600),
  /** POST /v1/members digests a new member's key (HMAC) and seals its TOTP secret. */
  API_KEY_DIGEST_KEY_ID: nonEmpty(),
  DATA_KEY_ID: nonEmpty(),
  /** The console's origin, relying party of passkey decisions (Lanepay-Passkey); empty: the request's own host. */
  CONSOLE_ORIGIN: z._default(z.string(), ''),
  /** The treasury's owner keys (infra/treasury.yml) and the Safes' threshold (infra/settings.yml): the bounds of a policy's treasury rule. */
  TREASURY_OWNERS: wholeNumber({ min: 0 }, 0),
  TREASURY_THRESHOLD: wholeNumber({ min: 0 }, 0),
});

export const authorizerConfigSchema = z.extend(baseConfigSchema, {
  API_KEY_DIGEST_KEY_ID: nonEmpty(),
  /** Value of the usage plan's shared API key, for merchants without a key of their own (infra/api.yml). */
  SHARED_USAGE_KEY: nonEmpty(20),
  /** `accept` while a stage still has keys issued without their id (docs/security.md, "API keys"). */
  LEGACY_KEYS: z._default(z.enum(['accept', 'refuse']), 'refuse'),
  /** The HMAC key console session tokens are signed with (lib/merchants/sessions/tokens.ts). */
  CONSOLE_SESSION_KEY_ID: nonEmpty(),
});

/** console: the console's page, its sessions (sign-in, passkeys) and its proxy to the API. */
export const consoleConfigSchema = z.extend(baseConfigSchema, {
  API_KEY_DIGEST_KEY_ID: nonEmpty(),
  CONSOLE_SESSION_KEY_ID: nonEmpty(),
  LEGACY_KEYS: z._default(z.enum(['accept', 'refuse']), 'refuse'),
  /**
   * The API the proxy forwards to (`https://api.example.com/prod`, no trailing slash). Empty: this
   * request's own API Gateway stage (https://<domain>/<stage>), which a custom domain with a base path
   * mapping is not; set it then.
   */
  CONSOLE_API_BASE_URL: z._default(z.string(), ''),
  /**
   * The console's origin for passkeys (`https://console.example.com`): its host is the WebAuthn
   * relying party. Empty: the origin the console is requested at (Host header, https; http for localhost).
   */
  CONSOLE_ORIGIN: z._default(z.string(), ''),
  /** Sign-in attempts per source address in 5 minutes (docs/security.md, "Console"). */
  CONSOLE_SIGN_IN_PER_SOURCE: wholeNumber({ min: 1, max: 100_000 }, 30),
  /** Sign-in attempts per member in 5 minutes. */
  CONSOLE_SIGN_IN_PER_MEMBER: wholeNumber({ min: 1, max: 1000 }, 10),
});

export const outboxRelayConfigSchema = z.extend(baseConfigSchema, {
  NOTIFY_QUEUE_URL: z.url(),
  CHAIN_SUBMIT_QUEUE_URL: z.url(),
  /** Booked payouts (payment.succeeded) for the hourly flow totals the forecast job reads. */
  FLOW_TOTALS_QUEUE_URL: z.url(),
  /** Requested reports (report.created) for the reports function to build. */
  REPORTS_QUEUE_URL: z.url(),
  /** Platform events (liquidity.low, …) go to the operators' alerts topic (infra/alerts.yml). */
  ALERTS_TOPIC_ARN: z.string().check(z.regex(/^arn:aws[a-z-]*:sns:/)),
  /** Treasury steps (#money treasuryWorkEventTypes) for the treasury function. */
  TREASURY_QUEUE_URL: z.url(),
});

/** forecast-batch: forecasts per chain and asset, liquidity plans for the hot wallets. */
export const forecastBatchConfigSchema = z.extend(baseConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
  /** Hours of flow totals the model is fitted on (default 90 days). */
  FORECAST_HISTORY_DAYS: wholeNumber({ min: 3, max: 90 }, 90),
  /** Simulated sample paths per series for the liquidity plan. */
  FORECAST_PATH_COUNT: wholeNumber({ min: 100, max: 5000 }, 1000),
  /** Quantile of cumulative outflow over the refill lead time the hot wallet must hold. */
  FORECAST_LIQUIDITY_QUANTILE: z._default(z.coerce.number().check(z.gt(0), z.lt(1)), 0.99),
  /** Dry probability above which liquidity.forecast_shortfall is emitted. */
  FORECAST_SHORTFALL_PROBABILITY: z._default(z.coerce.number().check(z.gte(0), z.lt(1)), 0.05),
});

/** treasury: signs, executes and follows treasury transfers (functions/treasury.yml). */
export const treasuryConfigSchema = z.extend(baseConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
  /** How long a burn may wait for its CCTP attestation before it is reported overdue. */
  ATTESTATION_DEADLINE_SECONDS: wholeNumber({ positive: true }, 3600),
  /** Owner n's role ARN at position n-1, comma-separated; empty where there is no IAM (the emulators). */
  TREASURY_OWNER_ROLE_ARNS: z._default(z.string(), ''),
  /** chain-submit's FIFO queue: an approved move out of a hot wallet is handed to it (lib/treasury/moves). */
  CHAIN_SUBMIT_QUEUE_URL: z.url(),
});

/** liquidity: GET /v1/liquidity, the hot wallets' positions beside the latest forecasts. */
export const liquidityConfigSchema = z.extend(baseConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
});

/** chain-submit and chain-check. */
export const payoutConfigSchema = z.extend(baseConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
  CHAIN_CHECK_QUEUE_URL: z.url(),
  /** chain-submit's own queue: a malformed message is made visible again at once (lib/platform/aws/sqs-release.ts). */
  CHAIN_SUBMIT_QUEUE_URL: z.url(),
  CHAIN_CHECK_DELAY_SECONDS: wholeNumber({ min: 0, max: 900 }, 15),
  PAYOUT_STUCK_AFTER_SECONDS: wholeNumber({ positive: true }, 300),
});

/** reconcile: the payout functions' settings, the relay's queues, and the age of what counts as stuck. */
export const reconcileConfigSchema = z.extend(payoutConfigSchema, {
  NOTIFY_QUEUE_URL: z.url(),
  CHAIN_SUBMIT_QUEUE_URL: z.url(),
  FLOW_TOTALS_QUEUE_URL: z.url(),
  REPORTS_QUEUE_URL: z.url(),
  // 0 in a drill's recovery stack (infra/settings.yml drill): a copy holds nothing still on its way.
  // Elsewhere minutes, so the reconciler leaves alone what the relay and chain-submit are about to do.
  RECONCILE_OLDER_THAN_SECONDS: wholeNumber({ min: 0 }, 900),
});

/** POST /v1/realtime/tokens: issues the single-use tokens browsers connect with. */
export const realtimeTokensConfigSchema = z.extend(baseConfigSchema, {
  /** The WebSocket API's URL (wss://... on AWS), handed to clients with each token. */
  REALTIME_WEBSOCKET_URL: z.url({ protocol: /^wss?$/ }),
  /** How long a token may wait for its connection (default 5 minutes). */
  REALTIME_TOKEN_TTL_SECONDS: wholeNumber({ min: 10, max: 3600 }, 300),
});

/**
 * The hosted checkout page (functions/checkout): reads charges, issues charge-scoped realtime tokens
 * for the page, so it needs what realtime-tokens needs.
 */
export const checkoutConfigSchema = realtimeTokensConfigSchema;

/** The WebSocket routes ($connect, $disconnect, subscribe). */
export const realtimeConfigSchema = z.extend(baseConfigSchema, {
  /** How long a connection's items live if its $disconnect never runs (API Gateway closes at 2 h). */
  REALTIME_CONNECTION_TTL_SECONDS: wholeNumber({ positive: true }, 2 * 3600),
});

/** Functions that push events to WebSocket connections (pushEvent). */
export const realtimePushConfigSchema = z.extend(baseConfigSchema, {
  /** API Gateway management endpoint: https://{api-id}.execute-api.{region}.{suffix}/{stage} on AWS. */
  REALTIME_MANAGEMENT_ENDPOINT: z.url({ protocol: /^https?$/ }),
});

/** Comma-separated seconds, e.g. "5,300,1800": the wait after each failed webhook attempt. */
const retryScheduleSchema = z.pipe(
  z.string().check(z.regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, 'must be comma-separated seconds')),
  z.transform((text: string) => text.split(',').map((part) => Number(part.trim()))),
);

/** webhooks (API), notify (fan-out) and webhook-deliver. */
export const webhooksConfigSchema = z.extend(baseConfigSchema, {
  DATA_KEY_ID: nonEmpty(),
  WEBHOOK_DELIVERY_QUEUE_URL: z.url(),
  WEBHOOK_DELIVERY_DLQ_URL: z.url(),
  WEBHOOK_RETRY_SCHEDULE_SECONDS: z._default(retryScheduleSchema, [5, 300, 1800, 7200, 18000, 36000, 36000, 86400, 86400]),
  /** An endpoint failing every attempt for this long is disabled (default 5 days). */
  WEBHOOK_DISABLE_AFTER_SECONDS: z._default(z.coerce.number().check(z.positive()), 5 * 24 * 3600),
  /** How long the previous secret keeps signing after a rotation (default 24 h). */
  WEBHOOK_SECRET_OVERLAP_SECONDS: z._default(z.coerce.number().check(z.positive()), 24 * 3600),
});

/** kyc (the customer API) and kyc-check (decisions, the sweep and re-screening). */
export const kycConfigSchema = z.extend(baseConfigSchema, {
  DATA_KEY_ID: nonEmpty(),
  API_KEY_DIGEST_KEY_ID: nonEmpty(),
  KYC_CHECK_QUEUE_URL: z.url(),
});

/** charges (the merchant API and the expiry sweep) and chain-watch (deposits). */
export const chargesConfigSchema = z.extend(baseConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
  /** Public base of the hosted checkout page; a charge's `hosted_url` is `<base>/<charge id>`. */
  CHECKOUT_BASE_URL: z.url(),
});

/** chain-watch: scans token transfers to deposit addresses and credits them when final. */
export const chainWatchConfigSchema = z.extend(baseConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
  /** How long one invocation keeps polling (below the function's timeout); the schedule starts the next. */
  CHAIN_WATCH_RUN_SECONDS: wholeNumber({ min: 1, max: 840 }, 50),
  /** Pause between passes over the chains. */
  CHAIN_WATCH_POLL_MS: wholeNumber({ min: 100, max: 60_000 }, 2000),
  CHAIN_WATCH_MAX_BLOCKS_PER_QUERY: wholeNumber({ min: 1, max: 10_000 }, 500),
  CHAIN_WATCH_INITIAL_LOOKBACK_BLOCKS: wholeNumber({ min: 0 }, 100),
  /** Sweeps of credited deposits are queued here, in the chain's message group, behind its payouts. */
  CHAIN_SUBMIT_QUEUE_URL: z.url(),
});

/** statements: a merchant's signed statement (lib/money/statements), signed with the audit key. */
export const statementsConfigSchema = z.extend(baseConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
  AUDIT_SIGNING_KEY_ID: nonEmpty(),
});

/** reports-api: requests reports, presigns downloads from the reports bucket. */
export const reportsApiConfigSchema = z.extend(baseConfigSchema, {
  REPORTS_BUCKET: nonEmpty(),
});

/** reports: builds report files into the bucket; on AWS adds Parquet partitions to the Glue database. */
export const reportsConfigSchema = z.extend(reportsApiConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
  /** Absent locally, where there is no Glue. */
  REPORTS_GLUE_DATABASE: z.optional(nonEmpty()),
});

/** audit-anchor: closes audit periods (lib/audit/period.ts). */
export const auditAnchorConfigSchema = z.extend(baseConfigSchema, {
  CHAIN_REGISTRY: nonEmpty(2),
  AUDIT_SIGNING_KEY_ID: nonEmpty(),
  AUDIT_ANCHOR_KEY_ID: nonEmpty(),
  /** A chain name of the registry; empty for its first chain. */
  AUDIT_ANCHOR_CHAIN: z._default(z.string(), ''),
  /** The Object Lock bucket on AWS; absent locally, where there is no S3. */
  AUDIT_DIGEST_BUCKET: z.optional(nonEmpty()),
});
