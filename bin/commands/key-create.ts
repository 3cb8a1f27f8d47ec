import { ledgerDecimals } from '../../lib/ledger/assets.js';
import { createApiKey } from '../../lib/merchants/merchants.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'key create',
  description: 'Issues another API key for a merchant (rotation: the old key works until revoked)',
  options: { merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant to issue a key for (required)' } },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    try {
      const issued = await createApiKey({ ...stageDeps(stage), assets: Object.keys(ledgerDecimals) }, merchantId);
      print(json({ merchant_id: issued.merchant_id, key_id: issued.key_id, api_key: issued.api_key }));
      console.error('The API key is shown this once: only its digest is stored.');
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
