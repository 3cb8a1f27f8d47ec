import { describe, expect, it } from 'vitest';
import { createCustomerBodySchema } from '#lib/compliance/customers/schemas.js';

describe('createCustomerBodySchema', () => {
  it('takes an email of at most 64 characters before the @, as RFC 5321 allows, and refuses a longer one', () => {
    expect(createCustomerBodySchema.safeParse({ email: 'ana@example.com' }).success).toBe(true);
    expect(createCustomerBodySchema.safeParse({ email: `${'a'.repeat(64)}@example.com` }).success).toBe(true);
    expect(createCustomerBodySchema.safeParse({ email: `${'a'.repeat(65)}@example.com` }).success).toBe(false);
    expect(createCustomerBodySchema.safeParse({ email: 'not an email' }).success).toBe(false);
  });
});
