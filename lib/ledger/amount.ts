// zod/mini, as the merchant profile that embeds it (through the approval policy) is, so the
// authorizer carries no classic zod (lib/aws/config.ts says why). Classic schemas wrap it with
// z.optional(...), not .optional().
import * as z from 'zod/mini';

/** Positive integer in minor units as a decimal string of at most 30 digits, no sign, no leading zero. */
export const amountStringSchema = z.string().check(
  z.regex(/^[1-9][0-9]{0,29}$/, 'must be a positive whole number of minor units, as a string of at most 30 digits (e.g. "1000000" for 1 USDC)'),
);
