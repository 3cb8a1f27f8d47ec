import { ledgerDecimals } from '#ledger';
import { apiKeyDigestOf, apiKeyMerchant, getMerchantProfile, holdIfRequired, revokeApiKey } from '#merchants';
import { heldNotice, requestedByOption } from '../approval-hold.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'key revoke',
  description: 'Revokes an API key by id (key_...); cached authorizations last up to 60 s; held for approval if the policy says so',
  options: {
    key: { type: 'string', placeholder: 'key_...', description: 'the key id (not the secret) to revoke (required)' },
    ...requestedByOption,
  },
  async run({ stage, values, print }) {
    const keyId = requiredOption(values.key, 'key', 'key_01j...');
    try {
      const deps = { ...stageDeps(stage), assets: Object.keys(ledgerDecimals) };
      const merchant = await getMerchantProfile(deps, await apiKeyMerchant(deps, keyId));
      const held = await holdIfRequired(deps, {
        merchant,
        change: { kind: 'api_key.revoke', keyId, digest: await apiKeyDigestOf(deps, keyId) },
        subject: keyId,
        details: {},
        requestedByMember: values['requested-by'],
      });
      if (held) {
        print(json({ key_id: keyId, revoked: false, approval: held }));
        console.error(heldNotice(held));
        return 0;
      }
      await revokeApiKey(deps, keyId);
    } catch (error) {
      throw userError(error);
    }
    print(json({ key_id: keyId, revoked: true }));
    // The authorizer's answers are cached per key (resultTtlInSeconds in functions/payments.yml).
    console.error('Revoked. API Gateway caches authorizer results for up to 60 s, so requests with this key may still succeed for up to a minute.');
    return 0;
  },
});
