import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { assignUsageKey } from '#merchants';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'merchant usage-key',
  description: "Gives a merchant its own API Gateway key in the stage's usage plan (per-merchant rate limits; AWS stages)",
  options: { merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required)' } },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    if (stage === 'local') throw new StackError('The local stack enforces no usage plans (serverless-offline); run this against a deployed stage, e.g. --stage prod.');
    try {
      // The SDK's default credentials and region, as for every deployed-stage command.
      print(json(await assignUsageKey({ ...stageDeps(stage), apiGateway: new APIGatewayClient({}) }, merchantId)));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
