import { updateMerchantProfile } from '#merchants';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'merchant set-min-deposit',
  description: "Sets a merchant's minimum pay-in deposit for an asset (smaller transfers are counted as dust, not credited; charges opened from then on)",
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required)' },
    asset: { type: 'string', placeholder: 'USDC', description: 'the asset (required)' },
    amount: { type: 'string', placeholder: 'minor units', description: 'the minimum in ledger minor units, e.g. 10000 for 0.01 USDC; "default" removes the setting (required)' },
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const asset = requiredOption(values.asset, 'asset', 'USDC');
    const amount = requiredOption(values.amount, 'amount', '10000');
    if (amount !== 'default' && !/^(0|[1-9][0-9]{0,29})$/.test(amount)) throw new StackError(`--amount must be ledger minor units (e.g. 10000 for 0.01 USDC) or "default", got ${amount}.`);
    try {
      const profile = await updateMerchantProfile(stageDeps(stage), merchantId, (current) => {
        const { [asset]: _previous, ...others } = current.minDeposit ?? {};
        const minDeposit = amount === 'default' ? others : { ...others, [asset]: amount };
        const { minDeposit: _old, ...rest } = current;
        return Object.keys(minDeposit).length > 0 ? { ...rest, minDeposit } : rest;
      });
      print(json(profile));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
