import { describe, expect, it } from 'vitest';
import { createChargeBodySchema } from '#lib/money/charges/schemas.js';

describe('charge creation body', () => {
  it('refuses a chain named twice, naming the field', () => {
    const parsed = createChargeBodySchema.safeParse({ asset: 'USDC', chains: ['local-a', 'local-a'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['chains'], message: 'must name each chain once' });
  });

  it('takes distinct chains', () => {
    expect(createChargeBodySchema.parse({ asset: 'USDC', chains: ['local-a', 'local-b'] }).chains).toEqual(['local-a', 'local-b']);
  });
});
