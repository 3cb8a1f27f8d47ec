import * as z from 'zod';
import { holdIfRequired } from '../../lib/approvals/hold.js';
import { getMerchantProfile, updateMerchantProfile } from '../../lib/merchants/merchants.js';
import { effectiveRules, platformDefaultRules, riskOverridesSchema } from '../../lib/risk/rules.js';
import { StackError } from '../../scripts/stack/errors.js';
import { heldNotice, requestedByOption } from '../approval-hold.js';
import { defineCommand } from '../command.js';
import { describeZodError, json, requiredOption, stageDeps, userError } from '../stage.js';

const example = `'{"maxPerPaymentMinor":{"USDC":"5000000000"}}'`;

export default defineCommand({
  name: 'merchant set-risk',
  description: "Replaces a merchant's risk-rule overrides with --rules JSON (fields: lib/risk/rules.ts); held for approval if the policy says so",
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required)' },
    rules: { type: 'string', placeholder: 'json', description: 'overrides replacing the current ones, e.g. \'{"maxPerPaymentMinor":{"USDC":"7000000"}}\' (required)' },
    ...requestedByOption,
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const text = requiredOption(values.rules, 'rules', example);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new StackError(`--rules is not JSON (${(error as Error).message}); quote it for your shell, e.g. --rules ${example}.`);
    }
    const parsed = riskOverridesSchema.safeParse(raw);
    if (!parsed.success) throw new StackError(describeZodError(parsed.error, '--rules'));
    try {
      // Payments merge the overrides into the platform defaults; an override that breaks the merge
      // (an allowed asset without limits) would fail every payment, so refuse it now.
      effectiveRules(platformDefaultRules, parsed.data);
    } catch (error) {
      if (error instanceof z.core.$ZodError) throw new StackError(describeZodError(error, '--rules merged with the platform defaults'));
      throw error;
    }
    try {
      const deps = stageDeps(stage);
      const held = await holdIfRequired(deps, {
        merchant: await getMerchantProfile(deps, merchantId),
        change: { kind: 'risk.set', risk: parsed.data },
        subject: null,
        details: { risk: parsed.data },
        requestedByMember: values['requested-by'],
      });
      if (held) {
        print(json(held));
        console.error(heldNotice(held));
        return 0;
      }
      const profile = await updateMerchantProfile(deps, merchantId, (current) => ({ ...current, risk: parsed.data }));
      print(json(profile));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
