import { epochHour, syntheticFlows, writeFlowBuckets } from '#treasury';
import { stageDeps } from '../stage.js';

/**
 * What the console shows a demo: two members to sign in with (an admin and an approver, each with
 * its member key and TOTP URI), an approval policy that holds payouts from 50 USDC for two
 * approvals, one such payout waiting, and a customer whose verification is in review (a sanctions
 * match). Made through the merchant API, as the console's own requests are.
 */
export const consoleDemo = {
  members: [
    { email: 'admin@demo.example', role: 'admin' },
    { email: 'approver@demo.example', role: 'approver' },
  ],
  policy: { payouts: { at_or_above: '50000000', approvals: 2 }, admin_changes: { approvals: 0 } },
  heldPayout: { amount: '100000000', capture: 'automatic', description: 'Demo payout above the policy threshold, waiting for two approvals', metadata: { order_id: 'demo-1005' } },
  /**
   * Four weeks of synthetic payouts on local-a, heavy enough (about 15,000 USDC an hour, more with the trend) that the
   * 95 % band of the next 48 h passes the local hot wallet's million: the overview's chart marks it.
   */
  forecastHistory: { chain: 'local-a', asset: 'USDC', days: 28, meanHourlyMinor: 15_000_000_000n, meanTicketMinor: 1_500_000_000n, trend: 0.1, seed: 23 },
  // A name on OFAC's SDN list (data/ofac): screening sends the verification to review.
  reviewIdentity: {
    name: 'Kim Jong Un',
    birth_date: '1984-01-08',
    nationality: 'CN',
    document: { type: 'cn_resident_id', number: '110105198401081235' },
  },
} as const;

export interface ConsoleDemoSeed {
  members: { id: string; email: string; role: string; key: string; otpauth_uri: string }[];
  held_payment: string;
  held_approval: string;
  review_customer: string;
  review_verification: string;
}

type Call = (method: string, path: string, body?: unknown, idempotencyKey?: string) => Promise<any>;

export async function seedConsoleDemo(call: Call, merchantId: string, log: (line: string) => void): Promise<ConsoleDemoSeed> {
  const members = [];
  for (const member of consoleDemo.members) {
    const added = await call('POST', '/v1/members', member, `demo-${merchantId}-member-${member.role}`);
    members.push({ id: added.id, email: added.email, role: added.role, key: added.key, otpauth_uri: added.otpauth_uri });
    log(`console member ${added.id} (${member.role}) ${member.email}: key ${added.key}, TOTP ${added.otpauth_uri}`);
  }
  await call('PUT', '/v1/approval_policy', { policy: consoleDemo.policy });
  log(`approval policy: payouts from ${consoleDemo.policy.payouts.at_or_above} minor units need ${consoleDemo.policy.payouts.approvals} approvals`);
  const held = await call('POST', '/v1/payments', { ...consoleDemo.heldPayout, asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7' }, `demo-${merchantId}-held-payout`);
  log(`payment ${held.id}: ${held.status}, approval ${held.approval_id}`);
  const customer = await call('POST', '/v1/customers', { external_id: 'demo-review', email: 'review@demo.example' }, `demo-${merchantId}-review-customer`);
  const verification = await call('POST', `/v1/customers/${customer.id}/verifications`, consoleDemo.reviewIdentity, `demo-${merchantId}-review-verification`);
  log(`customer ${customer.id}: verification ${verification.id} (screening sends it to review)`);
  return { members, held_payment: held.id, held_approval: held.approval_id, review_customer: customer.id, review_verification: verification.id };
}

/**
 * Books the demo's payout history into local-a's hourly flow totals (as `lanepay forecast seed`
 * does; the same seed writes the same buckets, so a second run changes nothing). The stack's
 * forecast job (every 2 minutes locally) forecasts it, and the overview draws that forecast.
 * Not part of seedDemo: the test stack's forecast tests own its flow history.
 */
export async function seedConsoleForecast(log: (line: string) => void): Promise<void> {
  const history = consoleDemo.forecastHistory;
  const buckets = syntheticFlows({
    hours: history.days * 24,
    endHour: epochHour(new Date()),
    meanHourlyMinor: history.meanHourlyMinor,
    meanTicketMinor: history.meanTicketMinor,
    trend: history.trend,
    seed: history.seed,
  });
  const deps = stageDeps('local');
  try {
    await writeFlowBuckets(deps, history.chain, history.asset, buckets);
  } finally {
    deps.dynamodb.destroy();
    deps.kms.destroy();
  }
  log(`payout history: ${buckets.length} hours on ${history.chain}; the forecast job draws the overview's 48 h chart from it within 2 minutes`);
}
