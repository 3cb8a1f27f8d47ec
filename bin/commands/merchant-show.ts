import { getMerchantProfile } from '#merchants';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'merchant show',
  description: "Prints a merchant's profile: name, fees, risk overrides (no keys)",
  options: { merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant to show (required)' } },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    try {
      print(json(await getMerchantProfile(stageDeps(stage), merchantId)));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
