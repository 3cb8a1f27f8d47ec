import type { Charge } from '#lib/money/charges/schemas.js';

/** A charge as the API returns it, with merchant-only fields filled so tests can see they stay out. */
export function sampleCharge(overrides: Partial<Charge> = {}): Charge {
  return {
    id: 'ch_01jabcdefghjkmnpqrstvwxyz0',
    object: 'charge',
    status: 'awaiting_payment',
    amount: '2500000',
    asset: 'USDC',
    addresses: [
      { chain: 'local-a', chain_id: 31337, deposit_address: '0x1111111111111111111111111111111111111111', payment_uri: 'ethereum:0x5FbDB2315678afecb367f032d93F642f64180aa3@31337/transfer?address=0x1111111111111111111111111111111111111111&uint256=2500000' },
      { chain: 'local-b', chain_id: 31338, deposit_address: '0x2222222222222222222222222222222222222222', payment_uri: 'ethereum:0x5FbDB2315678afecb367f032d93F642f64180aa3@31338/transfer?address=0x2222222222222222222222222222222222222222&uint256=2500000' },
    ],
    amount_received: '0',
    amount_pending: '0',
    fee: '0',
    flags: [],
    deposits: [],
    deposit_count: 0,
    dust_count: 0,
    dust_amount: '0',
    expires_at: '2026-11-26T12:30:00.000Z',
    hosted_url: 'https://pay.example/checkout/ch_01jabcdefghjkmnpqrstvwxyz0',
    customer: 'cus_01jabcdefghjkmnpqrstvwxyz0',
    description: 'Order 42',
    metadata: { internal_note: 'vip-customer' },
    created_at: '2026-11-26T12:00:00.000Z',
    canceled_at: null,
    ...overrides,
  };
}
