/**
 * Pays USDC out to an address and waits until it is confirmed on-chain.
 *   LANEPAY_API_KEY=sk_test_... LANEPAY_BASE_URL=http://localhost:4510 npx tsx sdk/examples/payout.ts 0x5290...
 */
import { Lanepay } from '@lanepay/sdk';

const lanepay = new Lanepay({ apiKey: process.env.LANEPAY_API_KEY!, baseUrl: process.env.LANEPAY_BASE_URL! });
const destination = process.argv[2]!;

// Authorize (the funds are held), subscribe to the payment, then capture: no event can slip past.
const payment = await lanepay.payments.create({ amount: '25000000', asset: 'USDC', chain: process.env.LANEPAY_CHAIN ?? 'local-a', destination, capture: 'manual' });
const events = await lanepay.realtime.subscribe({ paymentId: payment.id });
await lanepay.payments.capture(payment.id);
for await (const event of events) {
  if (event.data.object.object !== 'payment') continue;
  console.log(`${event.type} ${payment.id} ${event.data.object.tx_hash ?? ''}`.trim());
  if (event.type === 'payment.succeeded' || event.type === 'payment.failed') break;
}
