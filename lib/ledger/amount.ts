import * as z from 'zod';

/** Positive integer in minor units as a decimal string of at most 30 digits, no sign, no leading zero. */
export const amountStringSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,29}$/, 'must be a positive whole number of minor units, as a string of at most 30 digits (e.g. "1000000" for 1 USDC)');
