import { kycStatusSchema, setCustomerKycStatus } from '../../lib/customers/kyc.js';
import { getMerchantProfile } from '../../lib/merchants/merchants.js';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

const statuses = kycStatusSchema.options.join('|');

export default defineCommand({
  name: 'customer set-kyc',
  description: `Sets a customer's KYC status (${statuses}), which the risk engine reads`,
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant the customer belongs to (required)' },
    customer: { type: 'string', placeholder: 'id', description: "the merchant's customer id, as sent in payments (required)" },
    status: { type: 'string', placeholder: statuses, description: 'the new KYC status (required)' },
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const customerId = requiredOption(values.customer, 'customer', 'cus_42');
    const status = requiredOption(values.status, 'status', 'approved');
    if (!kycStatusSchema.safeParse(status).success) {
      throw new StackError(`--status ${JSON.stringify(status)} is invalid: use one of ${statuses}.`);
    }
    const deps = stageDeps(stage);
    try {
      // A typo in the merchant id would otherwise write a record no payment ever reads.
      await getMerchantProfile(deps, merchantId);
      const result = await setCustomerKycStatus(deps, { merchantId, customerId, status });
      print(json({ merchant_id: result.merchantId, customer_id: result.customerId, kyc_status: result.kycStatus, updated_at: result.updatedAt }));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
