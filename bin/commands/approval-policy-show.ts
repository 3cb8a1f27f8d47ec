import { getMerchantProfile } from '#merchants';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'approval-policy show',
  description: "Prints a merchant's approval policy (null: nothing needs approval)",
  options: { merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required)' } },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    try {
      const profile = await getMerchantProfile(stageDeps(stage), merchantId);
      print(json({ merchant_id: merchantId, policy: profile.approvals ?? null }));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
