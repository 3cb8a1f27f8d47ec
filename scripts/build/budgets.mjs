// Size and cold-start goals of the function bundles (issue 20): the build's size table flags them,
// bench/cold-start.ts measures them, and test/integration/build/bundle-sizes.test.ts holds the sizes.

/** Functions on a merchant's or a customer's request path: their cold start is someone's wait. */
export const apiPathFunctions = [
  'authorizer', 'authorize', 'settle', 'query', 'charges', 'kyc', 'webhooks', 'approvals', 'realtime-tokens', 'checkout',
];

/** KiB. An API-path bundle at most this big. */
export const apiPathMaxKiB = 250;
/** KiB. Any function's bundle at most this big. */
export const anyFunctionMaxKiB = 600;
/** Milliseconds: the median `import()` of an API-path bundle in a fresh node process. */
export const apiPathInitMaxMs = 100;

/** The size limit of one function's bundle, in KiB. */
export function maxKiBOf(name) {
  return apiPathFunctions.includes(name) ? apiPathMaxKiB : anyFunctionMaxKiB;
}
