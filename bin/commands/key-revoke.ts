import { ledgerDecimals } from '../../lib/ledger/assets.js';
import { revokeApiKey } from '../../lib/merchants/merchants.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'key revoke',
  description: 'Revokes an API key by id (key_...); cached authorizations last up to 60 s',
  options: { key: { type: 'string', placeholder: 'key_...', description: 'the key id (not the secret) to revoke (required)' } },
  async run({ stage, values, print }) {
    const keyId = requiredOption(values.key, 'key', 'key_01j...');
    try {
      await revokeApiKey({ ...stageDeps(stage), assets: Object.keys(ledgerDecimals) }, keyId);
    } catch (error) {
      throw userError(error);
    }
    print(json({ key_id: keyId, revoked: true }));
    // The authorizer's answers are cached per key (resultTtlInSeconds in functions/payments.yml).
    console.error('Revoked. API Gateway caches authorizer results for up to 60 s, so requests with this key may still succeed for up to a minute.');
    return 0;
  },
});
