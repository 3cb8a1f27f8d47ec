import { ledgerDecimals } from '#ledger';
import { createApiKey, getMerchantProfile, holdIfRequired, mintApiKey } from '#merchants';
import { heldNotice, requestedByOption } from '../approval-hold.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'key create',
  description: 'Issues another API key for a merchant (rotation: the old key works until revoked); held for approval if the policy says so',
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant to issue a key for (required)' },
    ...requestedByOption,
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    try {
      const deps = { ...stageDeps(stage), assets: Object.keys(ledgerDecimals) };
      const merchant = await getMerchantProfile(deps, merchantId);
      // Minted now so the operator holds the secret; it is written (and works) only once approved.
      const minted = await mintApiKey(deps);
      const held = await holdIfRequired(deps, {
        merchant,
        change: { kind: 'api_key.create', keyId: minted.keyId, digest: minted.digest },
        subject: minted.keyId,
        details: {},
        requestedByMember: values['requested-by'],
      });
      if (held) {
        print(json({ merchant_id: merchantId, key_id: minted.keyId, api_key: minted.apiKey, approval: held }));
        console.error(`${heldNotice(held)} The API key is shown this once and works only after approval.`);
        return 0;
      }
      const issued = await createApiKey(deps, merchantId);
      print(json({ merchant_id: issued.merchant_id, key_id: issued.key_id, api_key: issued.api_key }));
      console.error('The API key is shown this once: only its digest is stored.');
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
