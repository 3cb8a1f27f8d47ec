import { randomUUID } from 'node:crypto';
import { getMerchantProfile } from '#merchants';
import { createCharge } from '#money';
import { requestFingerprint } from '#platform';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, readLocalStack, requiredOption, stageChainRegistry, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'topup create',
  description: 'Opens a top-up charge for a merchant: deposit addresses that credit whatever arrives (how a merchant is funded on prod)',
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant to fund (required)' },
    asset: { type: 'string', default: 'USDC', placeholder: 'symbol', description: 'the asset to receive' },
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const deps = stageDeps(stage);
    const checkoutBaseUrl = stage === 'local' ? `${readLocalStack().apiUrl}/checkout` : process.env.LANEPAY_CHECKOUT_BASE_URL;
    if (!checkoutBaseUrl) {
      throw new StackError(`LANEPAY_CHECKOUT_BASE_URL is not set: export the ${stage} API's checkout base, e.g. https://<api-id>.execute-api.<region>.amazonaws.com/${stage}/checkout.`);
    }
    try {
      const merchant = await getMerchantProfile(deps, merchantId);
      const body = { asset: values.asset };
      const { charge } = await createCharge(
        { ...deps, chains: stageChainRegistry(stage), checkoutBaseUrl, now: () => new Date() },
        { merchant, idempotencyKey: `cli-topup-${randomUUID()}`, fingerprint: requestFingerprint('POST /v1/charges', body), body },
      );
      print(json({ id: charge.id, merchant_id: merchantId, asset: charge.asset, hosted_url: charge.hosted_url, addresses: charge.addresses }));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
