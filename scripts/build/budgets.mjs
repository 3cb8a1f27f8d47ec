// Size and cold-start targets of the function bundles. The goals are issue 20's; bench/cold-start.ts
// flags them. The limits are what test/integration/build/bundle-sizes.test.ts enforces: the sizes
// of today plus a little, so no function quietly grows; lower them as the bundles shrink.

/** Functions on a merchant's or a customer's request path: their cold start is someone's wait. */
export const apiPathFunctions = [
  'authorizer', 'authorize', 'settle', 'query', 'charges', 'refunds', 'kyc', 'webhooks', 'approvals', 'realtime-tokens', 'checkout', 'statements',
  'reports-api', 'liquidity',
];

/**
 * Issue 20's goals: an API-path bundle at most 250 KiB and its median `import()` at most 100 ms,
 * any bundle at most 600 KiB. The size goals are out of reach while the AWS SDK is bundled (about
 * 350 KiB of it in every function), and leaving the SDK to the runtime doubles the CPU time of a
 * cold start (bench:cold-start --external-aws-sdk): see docs/performance.md.
 */
export const goals = { apiPathKiB: 250, anyFunctionKiB: 600, apiPathInitMs: 100 };

/** KiB, enforced: the whole bundle (handler and chunks) and what loads at cold start. */
export const limits = {
  apiPath: { totalKiB: 750, initKiB: 600 },
  anyFunction: { totalKiB: 1100, initKiB: 950 },
};

/**
 * Functions over their class's limit for a stated reason, each at its size when it came plus a little.
 * reports-api presigns downloads, so it carries the S3 client and its middleware (about 130 KiB no
 * other API-path function has). reports, a queue worker whose cold start nobody waits on, carries
 * S3 and its multipart upload, Glue, ethers (payouts reconciliation) and the Parquet writer.
 * liquidity reads each hot wallet's balance and nonce on its chain: it carries the chain adapters
 * (ethers' providers and transactions, the KMS client for the wallets' addresses, about 230 KiB),
 * which is why GET /v1/liquidity is not a route of query. console carries the console's built browser
 * app as data (about 120 KiB of JavaScript and CSS, api/pages/console/assets.ts), in a chunk it loads
 * on the first page or asset request, so its cold start does not (the proxy's requests never load it).
 * approvals verifies passkey decisions with @simplewebauthn/server (about 280 KiB, its ASN.1 parsers),
 * a chunk loaded on the first passkey decision only: its total grows, its cold start does not.
 * refunds reached the API-path limit (750.0 KiB) when the payment list filters' schemas came: it
 * verifies claim signatures with ethers (verifyMessage) and, through #money, carries every payment
 * schema, which esbuild keeps since building a zod schema is a call it cannot prove pure.
 * The trace scope and its log formatter (issue 24, about 1 KiB in every function) took approvals and
 * reports-api past their limits by under 1 KiB (reports-api's cold start too): 10 KiB more each.
 * liquidity serves GET /v1/treasury too (issue 25): the Safe reads, the owner bindings and the
 * treasury transfer and approval schemas took it 5 KiB past its limit (3 KiB at cold start): 15 KiB more.
 * chain-submit signs the treasury's approved moves out of a hot wallet (issue 25): the move's checks,
 * the transfer steps it records and CCTP's burn calls (lib/treasury/moves, about 21 KiB at cold start)
 * took it 2 KiB past the limit. Loading them on the first move instead cost more than it saved: the
 * treasury's index as a chunk (about 130 KiB), since a dynamic import is not tree-shaken. 20 KiB more.
 * approvals: a treasury transfer's held change may bind a hot-wallet move's hash: 0.1 KiB past, 10 KiB more.
 *
 * One function is held below its class's limit: the authorizer, in front of every API request,
 * carries no classic zod (its schemas and the item helpers, lib/platform/aws/item.ts, are zod/mini):
 * 425 KiB at cold start instead of 487. A classic schema reaching it again would add about 60 KiB.
 */
export const exceptions = {
  authorizer: { totalKiB: 580, initKiB: 440 },
  approvals: { totalKiB: 1045, initKiB: 600 },
  'chain-submit': { totalKiB: 1120, initKiB: 970 },
  refunds: { totalKiB: 760, initKiB: 600 },
  console: { totalKiB: 1140, initKiB: 950 },
  liquidity: { totalKiB: 930, initKiB: 790 },
  'reports-api': { totalKiB: 775, initKiB: 650 },
  reports: { totalKiB: 1235, initKiB: 1100 },
};

/** The enforced limits of one function. */
export function limitsOf(name) {
  return exceptions[name] ?? (apiPathFunctions.includes(name) ? limits.apiPath : limits.anyFunction);
}

/** The size goal of one function, in KiB. */
export function goalKiBOf(name) {
  return apiPathFunctions.includes(name) ? goals.apiPathKiB : goals.anyFunctionKiB;
}
