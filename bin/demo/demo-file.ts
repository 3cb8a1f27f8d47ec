import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { StackError } from '../../scripts/stack/errors.js';
import { findStackFile } from '../stage.js';

/**
 * What `lanepay demo seed` made, saved beside the stack's description as `.local/demo.json`. The
 * sample events in events/ name these ids as `{{payments.held}}` and so on; `npm run invoke` fills
 * them in from this file (scripts/invoke/template.ts).
 */
export const demoSeedSchema = z.object({
  merchant_id: z.string(),
  merchant_name: z.string(),
  key_id: z.string(),
  api_key: z.string(),
  webhook_url: z.string(),
  endpoint_id: z.string(),
  endpoint_secret: z.string(),
  spare_endpoint_id: z.string(),
  funded: z.object({ asset: z.string(), amount: z.string(), transfer_id: z.string() }),
  payments: z.object({ paid: z.string(), held: z.string(), to_cancel: z.string(), canceled: z.string() }),
  events: z.object({ held_authorized: z.string(), paid_processing: z.string() }),
  /** A charge awaiting payment: its hosted_url is the checkout page a customer pays on. */
  charge_id: z.string(),
  charge_url: z.string(),
  realtime_connection_id: z.string(),
  /** A balance transactions report of the seed's day, built by the stack's reports function. */
  report_id: z.string(),
  /** Console members, the held payout and the customer in review (bin/demo/console-seed.ts). */
  console: z
    .object({
      members: z.array(z.object({ id: z.string(), email: z.string(), role: z.string(), key: z.string(), otpauth_uri: z.string() })),
      held_payment: z.string(),
      held_approval: z.string(),
      review_customer: z.string(),
      review_verification: z.string(),
    })
    .optional(),
});
export type DemoSeed = z.infer<typeof demoSeedSchema>;

/** LANEPAY_DEMO_FILE, or demo.json in the folder of the stack's description. */
export function demoFilePath(): string {
  if (process.env.LANEPAY_DEMO_FILE) return process.env.LANEPAY_DEMO_FILE;
  const stackFile = process.env.LANEPAY_STACK_FILE || findStackFile();
  if (stackFile === undefined) throw new StackError('No local stack is running here: start one with `npm run dev`, then `npm run lanepay -- demo seed`.');
  return path.join(path.dirname(stackFile), 'demo.json');
}

export function writeDemoSeed(seed: DemoSeed, file = demoFilePath()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(seed, null, 2)}\n`);
}

export function readDemoSeed(file = demoFilePath()): DemoSeed {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new StackError(`${file} does not exist: run \`npm run lanepay -- demo seed\` against the running stack first.`);
  }
  const parsed = demoSeedSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new StackError(`${file} is not what \`lanepay demo seed\` writes: run it again.`);
  return parsed.data;
}
