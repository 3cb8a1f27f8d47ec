import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ledgerDecimals } from '#ledger';
import { assignUsageKey, createMerchant } from '#merchants';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError, type StageDeps } from '../stage.js';

export default defineCommand({
  name: 'merchant create',
  description: 'Creates a merchant, its ledger accounts and its first API key (shown once)',
  options: {
    name: { type: 'string', placeholder: 'text', description: 'the merchant\'s display name (required)' },
    'fee-bps': { type: 'string', default: '0', placeholder: 'bps', description: 'fee in basis points of each payment (100 = 1%)' },
    'fee-fixed': { type: 'string', default: '0', placeholder: 'minor units', description: 'fixed fee per payment' },
    platform: { type: 'boolean', default: false, description: 'the platform merchant: its members operate hot wallets, forecasts, audit and KYC reviews' },
  },
  async run({ stage, values, print }) {
    const name = requiredOption(values.name, 'name', '"Demo shop"');
    const feeBps = values['fee-bps'];
    if (!/^(0|[1-9][0-9]{0,4})$/.test(feeBps) || Number(feeBps) > 10_000) {
      throw new StackError(`--fee-bps ${JSON.stringify(feeBps)} is invalid: give whole basis points from 0 to 10000 (100 = 1%).`);
    }
    const feeFixed = values['fee-fixed'];
    if (!/^(0|[1-9][0-9]{0,29})$/.test(feeFixed)) {
      throw new StackError(`--fee-fixed ${JSON.stringify(feeFixed)} is invalid: give whole minor units, e.g. 250000 for 0.25 USDC.`);
    }
    const deps = stageDeps(stage);
    try {
      // Every asset the ledger carries gets an account now, so crediting one never finds it missing.
      const created = await createMerchant(
        { ...deps, assets: Object.keys(ledgerDecimals) },
        { name, feeBps: Number(feeBps), feeFixedMinor: BigInt(feeFixed), platform: values.platform },
      );
      print(json({ merchant_id: created.merchant_id, name: created.name, key_id: created.key_id, api_key: created.api_key, ...(values.platform ? { platform: true } : {}) }));
      console.error('The API key is shown this once: only its digest is stored.');
      if (stage !== 'local') await giveOwnUsageKey(deps, created.merchant_id);
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});

/**
 * On AWS stages a new merchant gets its own usage-plan key (per-merchant rate limits). Its API key
 * is already printed, so a failure here only warns: the merchant works on the shared usage key
 * until `merchant usage-key` is run (docs/security.md).
 */
async function giveOwnUsageKey(deps: StageDeps, merchantId: string): Promise<void> {
  try {
    await assignUsageKey({ ...deps, apiGateway: new APIGatewayClient({}) }, merchantId);
  } catch (error) {
    console.error(`The merchant counts against the shared usage key: its own could not be set up (${(error as Error).message}). `
      + `Run \`lanepay merchant usage-key --merchant ${merchantId} --stage ${deps.stage}\` to retry.`);
  }
}
