import { setPlatformUnderPolicy } from '#merchants';
import { heldNotice, refusal, requestedByOption } from '../approval-hold.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps } from '../stage.js';

export default defineCommand({
  name: 'merchant set-platform',
  description: 'Makes a merchant the platform merchant (its members operate liquidity, audit and KYC reviews), or with --off no longer; held for approval if the policy says so',
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required)' },
    off: { type: 'boolean', default: false, description: 'takes the platform role away instead' },
    ...requestedByOption,
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    let result;
    try {
      result = await setPlatformUnderPolicy(stageDeps(stage), { merchantId, platform: !values.off, requestedByMember: values['requested-by'] });
    } catch (error) {
      throw refusal(error);
    }
    print(json(result));
    if ('object' in result && result.object === 'approval') console.error(heldNotice(result));
    return 0;
  },
});
