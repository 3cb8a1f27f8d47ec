import * as z from 'zod';

/**
 * Customer and verification ids, apart from the other customer schemas: payments and charges
 * name a customer, and importing this alone spares their functions building the rest at cold start.
 */
export const customerIdSchema = z.string().regex(/^cus_[0-9a-z]{26}$/, 'must be a customer id (cus_...)');
export const verificationIdSchema = z.string().regex(/^kyv_[0-9a-z]{26}$/, 'must be a verification id (kyv_...)');
