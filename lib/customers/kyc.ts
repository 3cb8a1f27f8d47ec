import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';

/**
 * A customer's KYC status, as the risk engine reads it (lib/payments/authorize.ts). Until the KYC
 * capability owns this record, operators set it with `lanepay customer set-kyc`.
 */
export const kycStatusSchema = z.enum(['none', 'pending', 'approved', 'rejected']);
export type KycStatus = z.infer<typeof kycStatusSchema>;

const kycInputSchema = z.object({
  merchantId: z.string().min(1),
  // The same shape payments accept for `customer`, so a status set here can be found by a payment.
  customerId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits or _.:-'),
  status: kycStatusSchema,
});

export interface CustomerDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  now?: () => Date;
}

/** Writes the whole customer item: it holds nothing but the status yet, so last writer wins. */
export async function setCustomerKycStatus(
  deps: CustomerDeps,
  input: { merchantId: string; customerId: string; status: string },
): Promise<{ merchantId: string; customerId: string; kycStatus: KycStatus; updatedAt: string }> {
  const { merchantId, customerId, status } = kycInputSchema.parse(input);
  const updatedAt = (deps.now?.() ?? new Date()).toISOString();
  await deps.dynamodb.send(
    new PutItemCommand({
      TableName: deps.tableName,
      Item: {
        pk: { S: `CUSTOMER#${merchantId}#${customerId}` },
        sk: { S: 'CUSTOMER' },
        entity: { S: 'customer' },
        merchantId: { S: merchantId },
        customerId: { S: customerId },
        kycStatus: { S: status },
        updatedAt: { S: updatedAt },
      },
    }),
  );
  return { merchantId, customerId, kycStatus: status, updatedAt };
}
